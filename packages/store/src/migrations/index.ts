import { initial } from "./0001_initial.js";
import { syncRunCursors } from "./0002_sync_run_cursors.js";
import { quarantineSourceKeys } from "./0003_quarantine_source_keys.js";
import { buyingGroupIndexes } from "./0004_buying_group_indexes.js";
import { writebackOutbox } from "./0007_writeback_outbox.js";
import { vendorBudgets } from "./0008_vendor_budgets.js";
import { oauthFlows } from "./0005_oauth_flows.js";
import { runTruthAndMaintenance } from "./0006_run_truth_and_maintenance.js";
import type { Migration } from "./types.js";

export type { Migration } from "./types.js";

/** Every migration, in order. Append only. */
export const migrations: readonly Migration[] = [initial, syncRunCursors, quarantineSourceKeys, buyingGroupIndexes, oauthFlows, runTruthAndMaintenance, writebackOutbox, vendorBudgets];
