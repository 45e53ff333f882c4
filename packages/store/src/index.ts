export { openStore, DEFAULT_LIMITS, type Store, type StoreOptions, type Input } from "./store.js";
export {
  createPgDriver,
  createPgliteDriver,
  preparedStatement,
  RolledBackAtCommitError,
  sqlState,
  type PgDriverOptions,
  type PgliteDriverOptions,
  type SqlDriver,
  type SqlEngine,
  type SqlExecutor,
  type SqlResult,
  type SqlRow,
} from "./driver.js";
export { migrate, migrationChecksum, type MigrateOptions, type MigrationResult } from "./migrate.js";
export { migrations, type Migration } from "./migrations/index.js";
export { APP_ROLE, MAINTENANCE_ROLE } from "./tenancy.js";
export { defaultDataDir, findWorkspaceRoot } from "./paths.js";
export type { BatchHook } from "./commit-page.js";
export { prepareCommit, type PreparedCommit } from "./prepare.js";
export type { RotateOptions } from "./rotation.js";
export {
  DEFAULT_REFRESH_TIMEOUT_MS,
  type RefreshCredentialsInput,
  type RefreshCredentialsResult,
} from "./credentials-refresh.js";
export { MAX_PAGE_RECORDS } from "./schemas.js";
export type {
  ActivitySummary,
  BuyingGroup,
  BuyingGroupAccount,
  BuyingGroupMember,
  BuyingGroupSource,
  GetBuyingGroupInput,
} from "./buying-group-schemas.js";
export type { PendingOAuthFlow, TakenOAuthFlow } from "./oauth-flows.js";
export type * from "./types.js";
export type { EnqueueWritebackInput, Outbox } from "./outbox.js";
export type { BudgetAdmission, VendorBudgets } from "./budgets.js";
export {
  MAX_OUTBOX_CLAIM,
  OUTBOX_STATUSES,
  type ClaimedBatch,
  type OutboxCounts,
  type OutboxEntry,
  type OutboxStatus,
  type SettleOutcome,
  type SettleResult,
} from "./outbox-schemas.js";
