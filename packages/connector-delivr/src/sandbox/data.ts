/**
 * SYNTHETIC sandbox data. Delivr has published no example event row (vendor-apis.md §5.2): every row here is made
 * up, in the v1 field names the connector assumes (README, "Assumptions"). Seeded: the same seed and anchor give the
 * same rows. Several companies with several visitors each (resolved people with titles, seniority and department),
 * visitors Delivr matched to a company only, anonymous visitors, a second pixel the pixel scope must not see, one row
 * whose time is unreadable and one whose person has an invalid email; intent audiences over a taxonomy.
 */
import { createHash } from "node:crypto";
import { SeededRandom } from "@gtm-clarity/testkit/sandbox";
import type { Row } from "./filter.js";

export const SANDBOX_PIXEL = "px_sandbox_main";
export const SANDBOX_OTHER_PIXEL = "px_sandbox_other";
export const SANDBOX_PROJECT = "prj_sandbox";
export const SANDBOX_ORGANIZATION = "org_sandbox";
const DAY_MS = 86_400_000;

const ROLES = [
  ["Chief Executive Officer", "C-Level", "Executive"],
  ["VP Marketing", "VP", "Marketing"],
  ["Director of Engineering", "Director", "Engineering"],
  ["Marketing Manager", "Manager", "Marketing"],
  ["Software Engineer", "Entry", "Engineering"],
  ["Procurement Manager", "Manager", "Procurement"],
  [null, "Director", "Sales"],
] as const;
const INDUSTRIES = ["Software", "Manufacturing", "Retail", "Financial Services"] as const;
const SIZES = ["11-50", "51-200", "201-500", 1200, "1,000+"] as const;
const PAGES = ["/", "/pricing", "/product", "/blog/intent-data", "/demo", "/careers"] as const;

export interface SandboxDataOptions {
  seed?: number;
  /** Events end just before this instant (epoch ms). */
  anchorMs: number;
  /** Days of events before the anchor. Default 3. */
  days?: number;
  /** Events of the main pixel (well-formed). Default 120. */
  events?: number;
  accounts?: number;
  visitorsPerAccount?: number;
}

export interface SandboxDataSet {
  /** Every event row (both pixels, the malformed ones included), oldest first. */
  events: Row[];
  topics: Row[];
  audiences: Row[];
  members: Map<string, Row[]>;
}

interface Visitor {
  id: string;
  person?: Row;
  company?: number;
}

export function companyFields(index: number, seed: number): Row {
  const random = new SeededRandom(seed * 1_000_003 + index * 97 + 1);
  const company = random.company();
  return {
    company_name: company.name,
    company_domain: company.domain.replace(/\.example$/, `-${index + 1}.example`),
    company_industry: random.pick(INDUSTRIES),
    company_employee_count: random.pick(SIZES),
  };
}

function visitors(options: Required<Omit<SandboxDataOptions, "anchorMs" | "days" | "events">>): Visitor[] {
  const { seed, accounts, visitorsPerAccount } = options;
  const list: Visitor[] = [];
  for (let a = 0; a < accounts; a += 1) {
    const domain = String(companyFields(a, seed)["company_domain"]);
    for (let v = 0; v < visitorsPerAccount; v += 1) {
      const random = new SeededRandom(seed * 31 + a * 1009 + v * 7 + 3);
      const name = random.person();
      const [title, seniority, department] = ROLES[(a + v) % ROLES.length] ?? ROLES[0];
      const email = random.email(name, domain).replace("@", `${v}@`);
      list.push({
        id: `vis_${a}_${v}`,
        company: a,
        person: {
          first_name: name.first,
          last_name: name.last,
          business_email: email,
          hem: createHash("sha256").update(email).digest("hex"),
          job_title: title,
          seniority_level: seniority,
          department,
          linkedin_url: `https://www.linkedin.com/in/${name.first.toLowerCase()}-${a}-${v}`,
        },
      });
    }
    // Delivr matched the company but not the person.
    list.push({ id: `vis_${a}_anon`, company: a });
  }
  list.push({ id: "vis_anonymous_1" }, { id: "vis_anonymous_2" });
  return list;
}

function eventRow(visitor: Visitor, timestamp: number, pixel: string, page: number, seed: number): Row {
  const path = PAGES[page % PAGES.length] ?? "/";
  return {
    timestamp,
    event_type: "page_view",
    pixel_id: pixel,
    project_id: SANDBOX_PROJECT,
    page_url: `https://www.sandbox-site.example${path}`,
    page_title: `Sandbox ${path === "/" ? "home" : path.slice(1)}`,
    referrer: page % 3 === 0 ? "https://www.google.com/" : null,
    visitor_id: visitor.id,
    session_id: `ses_${visitor.id}_${Math.floor(timestamp / 3_600_000)}`,
    ip_address: `203.0.113.${(page * 7) % 250}`,
    user_agent: "Mozilla/5.0 (SandboxOS) SyntheticBrowser/1.0",
    resolved: visitor.person !== undefined,
    city: "Springfield",
    country: "US",
    ...(visitor.company === undefined ? {} : companyFields(visitor.company, seed)),
    ...(visitor.person ?? {}),
  };
}

export function sandboxDataSet(options: SandboxDataOptions): SandboxDataSet {
  const seed = options.seed ?? 1;
  const days = options.days ?? 3;
  const count = options.events ?? 120;
  const people = visitors({ seed, accounts: options.accounts ?? 6, visitorsPerAccount: options.visitorsPerAccount ?? 4 });
  const start = options.anchorMs - days * DAY_MS;
  const step = Math.max(1, Math.floor((days * DAY_MS) / (count + 1)));
  const random = new SeededRandom(seed * 13 + 5);
  const events: Row[] = [];
  for (let k = 0; k < count; k += 1) {
    const visitor = people[random.int(0, people.length - 1)] ?? { id: "vis_anonymous_1" };
    events.push(eventRow(visitor, start + (k + 1) * step, SANDBOX_PIXEL, k, seed));
  }
  // Another pixel of the same project: a pixel-scoped read must not see these.
  for (let k = 0; k < 5; k += 1) {
    events.push(eventRow({ id: `vis_other_${k}` }, start + k * step + 17, SANDBOX_OTHER_PIXEL, k, seed));
  }
  const malformedAt = start + Math.floor(count / 2) * step + 1;
  events.push({ ...eventRow({ id: "vis_malformed_time" }, malformedAt, SANDBOX_PIXEL, 1, seed), timestamp: "yesterday" });
  const badEmail = people.find((visitor) => visitor.person !== undefined) ?? { id: "vis_bad" };
  events.push({
    ...eventRow(badEmail, malformedAt + 1, SANDBOX_PIXEL, 2, seed),
    visitor_id: "vis_bad_email",
    business_email: "not-an-email",
    hem: null,
  });

  const topics: Row[] = [
    ["t_101", "Marketing Automation", "Marketing", "Automation"],
    ["t_102", "Intent Data", "Marketing", "Data"],
    ["t_201", "Cloud Security", "Technology", "Security"],
    ["t_202", "Data Warehousing", "Technology", "Data"],
    ["t_301", "Sales Engagement", "Sales", "Tools"],
  ].map(([topic_id, name, category_name, subcategory_name]) => ({
    topic_id,
    name,
    category_name,
    subcategory_name,
    status: "active",
    topic_type: "B2B",
  }));
  const built = options.anchorMs - DAY_MS;
  const audiences: Row[] = [
    { audience_id: "aud_marketing", name: "In-market: marketing tech", status: "Completed", completed_at: new Date(built).toISOString(), topic_ids: ["t_101", "t_102"] },
    { audience_id: "aud_security", name: "In-market: security", status: "Completed", completed_at: new Date(built + 3_600_000).toISOString(), topic_ids: [] },
    { audience_id: "aud_pending", name: "Being built", status: "Processing", completed_at: null, topic_ids: ["t_301"] },
    { audience_id: "aud_failed", name: "Failed build", status: "Failed", completed_at: null, topic_ids: ["t_301"] },
  ];
  const accounts = options.accounts ?? 6;
  const members = new Map<string, Row[]>([
    [
      "aud_marketing",
      [
        ...Array.from({ length: Math.min(4, accounts) }, (_, a) => ({ ...companyFields(a, seed), intent_score: 90 - a * 10 })),
        // A company no visit matched: intent is all the tenant knows of it.
        { ...companyFields(accounts + 1, seed), intent_score: 55 },
      ],
    ],
    [
      "aud_security",
      Array.from({ length: Math.min(3, accounts) }, (_, a) => ({
        ...companyFields(a, seed),
        topic_id: a % 2 === 0 ? "t_201" : "t_202",
        intent_score: a === 0 ? "High" : 40,
      })),
    ],
  ]);
  return { events: events.sort(byTime), topics, audiences, members };
}

function timeOf(row: Row): number {
  return typeof row["timestamp"] === "number" ? row["timestamp"] : Number.POSITIVE_INFINITY;
}

export function byTime(a: Row, b: Row): number {
  return timeOf(a) - timeOf(b) || String(a["visitor_id"]).localeCompare(String(b["visitor_id"]));
}

/**
 * What a sync of the main pixel must see (distinct records + distinct quarantine entries), counted from the data's
 * own ground truth: one activity per valid event, one account per company domain, one person per valid email, one
 * quarantine entry per unreadable row and per invalid person; per completed audience one signal per member and topic.
 */
export function expectedRecords(data: SandboxDataSet, pixel: string, sinceMs: number): number {
  const domains = new Set<string>();
  const emails = new Set<string>();
  let activities = 0;
  let quarantined = 0;
  for (const row of data.events) {
    if (row["pixel_id"] !== pixel) continue;
    if (typeof row["timestamp"] !== "number") {
      quarantined += 1;
      continue;
    }
    if (row["timestamp"] < sinceMs) continue;
    activities += 1;
    if (typeof row["company_domain"] === "string") domains.add(row["company_domain"]);
    const email = row["business_email"];
    if (row["resolved"] === true && typeof email === "string") {
      if (email.includes("@")) emails.add(email);
      else quarantined += 1;
    }
  }
  let signals = 0;
  for (const audience of data.audiences) {
    if (audience["status"] !== "Completed") continue;
    const id = String(audience["audience_id"]);
    const topics = Array.isArray(audience["topic_ids"]) ? audience["topic_ids"].length : 0;
    for (const member of data.members.get(id) ?? []) {
      if (typeof member["company_domain"] === "string") domains.add(member["company_domain"]);
      signals += member["topic_id"] === undefined ? Math.max(1, topics) : 1;
    }
  }
  return activities + domains.size + emails.size + quarantined + signals;
}
