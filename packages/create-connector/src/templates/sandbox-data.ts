/** src/sandbox/data.ts: deterministic fake records, one malformed per kind. */
import { lines, specifiers, type TemplateContext } from "./context.js";
import type { RecordKind } from "../options.js";
import { specsOf } from "./kinds.js";

const GENERATORS: Record<RecordKind, (p: string) => string> = {
  account: (p) => `export function sandboxAccount(index: number): ${p}AccountInput {
  const company = pick(COMPANIES, index);
  const domain = \`\${company}-\${index + 1}.example\`;
  return {
    id: \`acc_\${pad(index)}\`,
    name: \`\${company.charAt(0).toUpperCase()}\${company.slice(1)} \${index + 1}\`,
    // Sent with "www." and mixed case, as users type them: the canonical schema normalises domains.
    domain: \`WWW.\${domain}\`,
    industry: pick(INDUSTRIES, index),
    employee_count: 25 * (index + 1),
    website: \`https://www.\${domain}\`,
    plan: pick(PLANS, index),
    ...timestamps(index),
  };
}`,
  person: (p) => `export function sandboxPerson(index: number): ${p}PersonInput {
  const first = pick(FIRST_NAMES, index);
  const last = pick(LAST_NAMES, index);
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: \`per_\${pad(index)}\`,
    // Mixed case on purpose: the canonical schema normalises emails.
    email: \`\${first}.\${last}\${index + 1}@\${pick(COMPANIES, account)}-\${account + 1}.example\`,
    first_name: first,
    last_name: last,
    title: pick(TITLES, index),
    phone: \`+1 555 01\${String(index % 100).padStart(2, "0")}\`,
    account_id: \`acc_\${pad(account)}\`,
    lifecycle_stage: pick(STAGES, index),
    ...timestamps(index),
  };
}`,
  activity: (p) => `export function sandboxActivity(index: number): ${p}ActivityInput {
  const [type, channel] = pick(ACTIVITY_TYPES, index);
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: \`act_\${pad(index)}\`,
    type,
    channel,
    occurred_at: new Date(SANDBOX_EPOCH + index * HOUR_MS).toISOString(),
    subject: \`\${type.replace("_", " ")} #\${index + 1}\`,
    duration: type === "meeting" ? 1800 : null,
    direction: index % 2 === 0 ? "outbound" : "inbound",
    person_id: \`per_\${pad(index % 20)}\`,
    account_id: \`acc_\${pad(account)}\`,
    url: \`https://app.sandbox.example/activities/act_\${pad(index)}\`,
    ...timestamps(index),
  };
}`,
};

const MALFORMED: Record<RecordKind, { field: string; value: string; why: string }> = {
  person: { field: "email", value: '"not-an-email"', why: "an email the canonical schema rejects" },
  account: { field: "domain", value: '"not a domain"', why: "a domain the canonical schema rejects" },
  activity: { field: "occurred_at", value: '"yesterday"', why: "a date the API schema rejects" },
};

const COUNTS: Record<RecordKind, number> = { person: 23, account: 11, activity: 27 };

export function sandboxDataTs(ctx: TemplateContext): string {
  const p = ctx.pascal;
  const specs = specsOf(ctx.kinds);
  return lines(
    "/**",
    " * Deterministic sandbox records: record `i` of a kind depends only on `i`, so a data set of 5,000 starts with the",
    " * same records as one of 50. `sandboxData()` adds one malformed record per kind, which a sync must quarantine.",
    " */",
    specifiers(
      "import type",
      specs.map((spec) => `${p}${spec.title}Input`),
      "../api-schema.js",
    ),
    'import type { StreamKind } from "../streams.js";',
    "",
    "/** The first record was created at this instant, each later one an hour after the previous. */",
    'export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");',
    "const HOUR_MS = 3_600_000;",
    (ctx.has("person") || ctx.has("activity")) && "/** People and activities point at the first accounts. */",
    (ctx.has("person") || ctx.has("activity")) && "const ACCOUNT_REFERENCES = 8;",
    "",
    (ctx.has("person") || ctx.has("account")) &&
      'const COMPANIES = ["globex", "initech", "umbrella", "hooli", "vandelay", "soylent", "tyrell", "wonka"] as const;',
    ctx.has("account") && 'const INDUSTRIES = ["Software", "Manufacturing", "Retail", "Finance"] as const;',
    ctx.has("account") && 'const PLANS = ["free", "team", "enterprise"] as const;',
    ctx.has("person") &&
      'const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"] as const;',
    ctx.has("person") &&
      'const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"] as const;',
    ctx.has("person") &&
      'const TITLES = ["CTO", "VP Sales", "Account Executive", "Engineer", "Head of Marketing"] as const;',
    ctx.has("person") && 'const STAGES = ["lead", "opportunity", "customer"] as const;',
    ctx.has("activity") && "const ACTIVITY_TYPES = [",
    ctx.has("activity") && '  ["meeting", "video"],',
    ctx.has("activity") && '  ["email_sent", "email"],',
    ctx.has("activity") && '  ["call", "phone"],',
    ctx.has("activity") && "] as const;",
    "",
    "/** Well-formed records per kind in `sandboxData()`; with the page size of 10 each kind spans several pages. */",
    "export const SANDBOX_COUNTS: Record<StreamKind, number> = {",
    specs.map((spec) => `  ${spec.kind}: ${COUNTS[spec.kind]},`),
    "};",
    "",
    "export type SandboxData = Record<StreamKind, unknown[]>;",
    "",
    "function pick<T>(list: readonly T[], index: number): T {",
    "  const value = list[index % list.length];",
    '  if (value === undefined) throw new RangeError("pick from an empty list");',
    "  return value;",
    "}",
    "",
    "function pad(index: number): string {",
    '  return String(index + 1).padStart(4, "0");',
    "}",
    "",
    "/** Created on the hour, updated half an hour later: `updated_at` increases with the index. */",
    "function timestamps(index: number): { created_at: string; updated_at: string; deleted: boolean } {",
    "  const created = SANDBOX_EPOCH + index * HOUR_MS;",
    "  return {",
    "    created_at: new Date(created).toISOString(),",
    "    updated_at: new Date(created + HOUR_MS / 2).toISOString(),",
    "    deleted: false,",
    "  };",
    "}",
    "",
    specs.map((spec) => `${GENERATORS[spec.kind](p)}\n`),
    specs.map((spec) => {
      const bad = MALFORMED[spec.kind];
      return lines(
        `/** A ${spec.kind} with ${bad.why}: the sync must quarantine it, never drop it or emit it. */`,
        `export function malformed${spec.title}(index = 0): ${p}${spec.title}Input {`,
        `  return { ...sandbox${spec.title}(index), id: "${spec.idPrefix}_malformed", ${bad.field}: ${bad.value} };`,
        "}",
        "",
      );
    }),
    "/** `counts` well-formed records per kind (default `SANDBOX_COUNTS`) plus one malformed record per kind. */",
    "export function sandboxData(counts: Partial<Record<StreamKind, number>> = {}): SandboxData {",
    "  const build = <T>(count: number, make: (index: number) => T, malformed: (index: number) => T): T[] => [",
    "    ...Array.from({ length: count }, (_, index) => make(index)),",
    "    malformed(Math.floor(count / 2)),",
    "  ];",
    "  return {",
    specs.map(
      (spec) =>
        `    ${spec.kind}: build(counts.${spec.kind} ?? SANDBOX_COUNTS.${spec.kind}, sandbox${spec.title}, malformed${spec.title}),`,
    ),
    "  };",
    "}",
    "",
  );
}
