/**
 * `getBuyingGroup`: the people who take part in one account's purchase, from every connector of the tenant. An
 * account is found by one record (`accountId`) or by domain; its company is every account record with that domain,
 * whichever connector synced it. Its people are the person records linked to one of those accounts
 * (`accountExternalId` within the same connection) or whose email is at the domain. Members arrive over many pages,
 * windows and connectors, so the group is assembled at read time, in one tenant transaction (row-level security on).
 */
import { BuyingRoleSchema, BUYING_ROLES, inferBuyingRole, type BuyingRole } from "@gtm-clarity/core";
import type { StoreContext } from "./context.js";
import {
  type ActivitySummary,
  type BuyingGroup,
  type BuyingGroupAccount,
  type BuyingGroupMember,
  GetBuyingGroupSchema,
  type GetBuyingGroupInput,
} from "./buying-group-schemas.js";
import type { SqlExecutor } from "./driver.js";
import { parseInput } from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";

/**
 * Mailbox providers: an account whose domain is one of these (a sole trader on gmail.com) would otherwise collect
 * every gmail.com person of the tenant, so for them people are linked by account only.
 */
const SHARED_MAIL_DOMAINS = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "hotmail.com",
  "outlook.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
  "gmx.de",
  "mail.com",
  "yandex.ru",
]);

interface RecordSourceRow {
  connection_id: string;
  connector_id: string;
  external_id: string;
  data: Record<string, unknown>;
  properties: Record<string, unknown>;
  [column: string]: unknown;
}

interface PersonRow extends RecordSourceRow {
  by_account: boolean;
  by_domain: boolean;
}

interface ActivityRow {
  connection_id: string;
  person_external_id: string | null;
  type: string | null;
  n: number;
  last_at: Date | string | null;
  [column: string]: unknown;
}

const SOURCE_COLUMNS = "r.connection_id, c.connector_id, r.external_id, r.data, r.properties";
const FROM_RECORDS = "records r JOIN connections c ON c.tenant_id = r.tenant_id AND c.id = r.connection_id";
/** Pairs (connection, external id) passed as two parallel arrays. */
const PAIRS = (connections: string, ids: string) =>
  `SELECT * FROM unnest(${connections}::uuid[], ${ids}::text[]) AS pair(connection_id, external_id)`;

export async function getBuyingGroup(ctx: StoreContext, input: GetBuyingGroupInput): Promise<BuyingGroup> {
  const parsed = parseInput(GetBuyingGroupSchema, input, "getBuyingGroup input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const accounts = await findAccounts(tx, parsed);
    const domain = parsed.domain ?? accounts[0]?.domain ?? null;
    const matchDomain = domain !== null && !SHARED_MAIL_DOMAINS.has(domain) ? domain : null;
    const accountConnections = accounts.map((account) => account.connectionId);
    const accountIds = accounts.map((account) => account.externalId);
    if (accounts.length === 0 && matchDomain === null) return emptyGroup(domain);

    const { rows: people } = await tx.query<PersonRow>(
      `SELECT ${SOURCE_COLUMNS},
              (r.connection_id, r.data->>'accountExternalId') IN (${PAIRS("$2", "$3")}) AS by_account,
              coalesce($4::text IS NOT NULL AND split_part(r.data->>'email', '@', 2) = $4::text, false) AS by_domain
       FROM ${FROM_RECORDS}
       WHERE r.tenant_id = $1 AND r.kind = 'person' AND NOT r.is_deleted
         AND ((r.connection_id, r.data->>'accountExternalId') IN (${PAIRS("$2", "$3")})
              OR ($4::text IS NOT NULL AND split_part(r.data->>'email', '@', 2) = $4::text))
       ORDER BY r.connection_id, r.external_id
       LIMIT $5`,
      [parsed.tenantId, accountConnections, accountIds, matchDomain, parsed.limit + 1],
    );
    const truncated = people.length > parsed.limit;
    const kept = people.slice(0, parsed.limit);

    const { rows: personActivity } = await tx.query<ActivityRow>(
      `SELECT r.connection_id, r.data->>'personExternalId' AS person_external_id, r.data->>'type' AS type,
              count(*)::int AS n, max(r.occurred_at) AS last_at
       FROM records r
       WHERE r.tenant_id = $1 AND r.kind = 'activity' AND NOT r.is_deleted
         AND (r.connection_id, r.data->>'personExternalId') IN (${PAIRS("$2", "$3")})
       GROUP BY 1, 2, 3`,
      [parsed.tenantId, kept.map((row) => row.connection_id), kept.map((row) => row.external_id)],
    );
    const { rows: accountActivity } = await tx.query<ActivityRow>(
      `SELECT r.connection_id, NULL AS person_external_id, r.data->>'type' AS type,
              count(*)::int AS n, max(r.occurred_at) AS last_at
       FROM records r
       WHERE r.tenant_id = $1 AND r.kind = 'activity' AND NOT r.is_deleted
         AND r.data->>'personExternalId' IS NULL
         AND (r.connection_id, r.data->>'accountExternalId') IN (${PAIRS("$2", "$3")})
       GROUP BY 1, 3`,
      [parsed.tenantId, accountConnections, accountIds],
    );

    const members = buildMembers(kept, personActivity);
    return { domain, accounts, members, roles: countRoles(members), accountActivity: summarise(accountActivity), truncated };
  });
}

async function findAccounts(
  tx: SqlExecutor,
  parsed: { tenantId: string; accountId?: { connectionId: string; externalId: string } | undefined; domain?: string | undefined },
): Promise<BuyingGroupAccount[]> {
  const found: BuyingGroupAccount[] = [];
  let domain = parsed.domain ?? null;
  if (parsed.accountId !== undefined) {
    const { rows } = await tx.query<RecordSourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM ${FROM_RECORDS}
       WHERE r.tenant_id = $1 AND r.kind = 'account' AND NOT r.is_deleted AND r.connection_id = $2 AND r.external_id = $3`,
      [parsed.tenantId, parsed.accountId.connectionId, parsed.accountId.externalId],
    );
    const row = rows[0];
    if (row === undefined) return [];
    const account = toAccount(row);
    found.push(account);
    domain = account.domain;
  }
  if (domain === null) return found;
  const { rows } = await tx.query<RecordSourceRow>(
    `SELECT ${SOURCE_COLUMNS} FROM ${FROM_RECORDS}
     WHERE r.tenant_id = $1 AND r.kind = 'account' AND NOT r.is_deleted AND r.data->>'domain' = $2
     ORDER BY r.updated_at DESC, r.connection_id, r.external_id`,
    [parsed.tenantId, domain],
  );
  for (const row of rows) {
    if (!found.some((a) => a.connectionId === row.connection_id && a.externalId === row.external_id)) {
      found.push(toAccount(row));
    }
  }
  return found;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function toAccount(row: RecordSourceRow): BuyingGroupAccount {
  const size = row.data["size"];
  return {
    connectionId: row.connection_id,
    connectorId: row.connector_id,
    externalId: row.external_id,
    name: text(row.data["name"]),
    domain: text(row.data["domain"]),
    industry: text(row.data["industry"]),
    size: typeof size === "number" ? size : null,
  };
}

function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.getTime() > a.getTime() ? b : a;
}

function addActivity(summary: ActivitySummary, row: ActivityRow): void {
  const type = row.type ?? "unknown";
  summary.total += row.n;
  summary.byType[type] = (summary.byType[type] ?? 0) + row.n;
  summary.lastActivityAt = later(summary.lastActivityAt, toDate(row.last_at));
}

function summarise(rows: readonly ActivityRow[]): ActivitySummary {
  const summary: ActivitySummary = { total: 0, byType: {}, lastActivityAt: null };
  for (const row of rows) addActivity(summary, row);
  return summary;
}

interface Draft {
  member: BuyingGroupMember;
  rows: PersonRow[];
}

/** One member per email (several connectors may know the same person), else one per person record. */
function buildMembers(people: readonly PersonRow[], activity: readonly ActivityRow[]): BuyingGroupMember[] {
  const drafts = new Map<string, Draft>();
  const bySource = new Map<string, Draft>();
  for (const row of people) {
    const email = text(row.data["email"])?.toLowerCase() ?? null;
    const key = email === null ? `record:${row.connection_id}:${row.external_id}` : `email:${email}`;
    let draft = drafts.get(key);
    if (draft === undefined) {
      draft = {
        rows: [],
        member: {
          email,
          name: null,
          title: null,
          role: "unknown",
          roleSource: "inferred",
          linkedBy: [],
          sources: [],
          total: 0,
          byType: {},
          lastActivityAt: null,
        },
      };
      drafts.set(key, draft);
    }
    draft.rows.push(row);
    draft.member.sources.push({ connectionId: row.connection_id, connectorId: row.connector_id, externalId: row.external_id });
    if (row.by_account && !draft.member.linkedBy.includes("account")) draft.member.linkedBy.push("account");
    if (row.by_domain && !draft.member.linkedBy.includes("domain")) draft.member.linkedBy.push("domain");
    bySource.set(`${row.connection_id}\u0000${row.external_id}`, draft);
  }
  for (const row of activity) {
    const draft = bySource.get(`${row.connection_id}\u0000${row.person_external_id ?? ""}`);
    if (draft !== undefined) addActivity(draft.member, row);
  }
  const members = [...drafts.values()].map(({ member, rows }) => ({ ...member, ...describe(rows) }));
  return members.sort(compareMembers);
}

/** Name, title and role from the first source that has each: a stored role wins over one inferred now. */
function describe(rows: readonly PersonRow[]): Pick<BuyingGroupMember, "name" | "title" | "role" | "roleSource"> {
  const first = (read: (row: PersonRow) => string | null): string | null => {
    for (const row of rows) {
      const value = read(row);
      if (value !== null) return value;
    }
    return null;
  };
  const name = first(
    (row) =>
      text(row.data["fullName"]) ??
      text([text(row.data["firstName"]), text(row.data["lastName"])].filter((part) => part !== null).join(" ")),
  );
  const title = first((row) => text(row.data["title"]));
  for (const row of rows) {
    const stored = BuyingRoleSchema.safeParse(row.properties["buyingRole"]);
    if (stored.success && stored.data !== "unknown") return { name, title, role: stored.data, roleSource: "stored" };
  }
  const role = inferBuyingRole({
    title,
    seniority: first((row) => text(row.properties["seniority"])),
    department: first((row) => text(row.properties["department"])),
  });
  return { name, title, role, roleSource: "inferred" };
}

const ROLE_RANK = new Map<BuyingRole, number>(BUYING_ROLES.map((role, index) => [role, index]));

function compareMembers(a: BuyingGroupMember, b: BuyingGroupMember): number {
  const rank = (ROLE_RANK.get(a.role) ?? 0) - (ROLE_RANK.get(b.role) ?? 0);
  if (rank !== 0) return rank;
  const last = (b.lastActivityAt?.getTime() ?? -Infinity) - (a.lastActivityAt?.getTime() ?? -Infinity);
  if (last !== 0 && !Number.isNaN(last)) return last;
  return (a.email ?? a.name ?? "").localeCompare(b.email ?? b.name ?? "");
}

function countRoles(members: readonly BuyingGroupMember[]): Record<BuyingRole, number> {
  const roles: Record<BuyingRole, number> = { decision_maker: 0, champion: 0, influencer: 0, user: 0, unknown: 0 };
  for (const member of members) roles[member.role] += 1;
  return roles;
}

function emptyGroup(domain: string | null): BuyingGroup {
  return { domain, accounts: [], members: [], roles: countRoles([]), accountActivity: summarise([]), truncated: false };
}
