/** Input and output of `getBuyingGroup`: an account's people across every connector, with roles and activity. */
import { type BuyingRole, DomainSchema } from "@gtm-clarity/core";
import { z } from "zod";
import { ConnectionIdSchema, storableText, TenantIdSchema } from "./schemas.js";

/** One account record: the connection that synced it and its id at that source. */
const AccountRefSchema = z.object({ connectionId: ConnectionIdSchema, externalId: storableText(512).min(1) });

/** Ask by one account record (`accountId`) or by company domain (`domain`, normalised like the canonical schema). */
export const GetBuyingGroupSchema = z.union([
  z.object({
    tenantId: TenantIdSchema,
    accountId: AccountRefSchema,
    domain: z.undefined().optional(),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
  z.object({
    tenantId: TenantIdSchema,
    domain: DomainSchema,
    accountId: z.undefined().optional(),
    limit: z.number().int().min(1).max(5000).default(500),
  }),
]);
export type GetBuyingGroupInput = z.input<typeof GetBuyingGroupSchema>;

/** Where a buying-group record came from. */
export interface BuyingGroupSource {
  connectionId: string;
  connectorId: string;
  externalId: string;
}

export interface BuyingGroupAccount extends BuyingGroupSource {
  name: string | null;
  domain: string | null;
  industry: string | null;
  size: number | null;
}

/** Activity counted for a member (or for the account alone). */
export interface ActivitySummary {
  /** Every activity, all types. */
  total: number;
  /** Per activity type (`page_view`, `intent_signal`, `meeting`, ...). */
  byType: Record<string, number>;
  /** The most recent `occurredAt`; null with no activity. */
  lastActivityAt: Date | null;
}

export interface BuyingGroupMember extends ActivitySummary {
  /** Lower-cased email, when a source knows it: members from several connectors with one email are one member. */
  email: string | null;
  name: string | null;
  title: string | null;
  role: BuyingRole;
  /** `stored`: a connector set `properties.buyingRole`; `inferred`: from title, seniority and department now. */
  roleSource: "stored" | "inferred";
  /** How the member was found: by an account link (`accountExternalId`), by email domain, or both. */
  linkedBy: ("account" | "domain")[];
  /** The person records behind this member, one per connection. */
  sources: BuyingGroupSource[];
}

export interface BuyingGroup {
  /** The domain people were matched on (null when the account has none). */
  domain: string | null;
  /** The account records for this company across connectors; the one asked for first. Empty when none matched. */
  accounts: BuyingGroupAccount[];
  /** By role (decision makers first), then most recent activity, then email or name. */
  members: BuyingGroupMember[];
  /** Members per role. */
  roles: Record<BuyingRole, number>;
  /** Activities linked to the account with no person (e.g. a visit by an unidentified visitor). */
  accountActivity: ActivitySummary;
  /** True when `limit` cut the member list. */
  truncated: boolean;
}
