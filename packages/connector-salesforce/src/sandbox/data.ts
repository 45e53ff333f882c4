/**
 * Deterministic sandbox records, shaped as Salesforce's REST API returns them (no `attributes` here: the query
 * engine adds them). Record `i` of an object depends only on the seed and `i`, so a data set of 100,000 starts with
 * the same records as one of 50. Timestamps come in groups that share one `SystemModstamp` (bulk updates do that),
 * some records are deleted (Recycle Bin) and some activities archived, both visible to `queryAll` only, and each
 * object has one malformed record a sync must quarantine. Values are messy the way CRM data is: emails in capitals
 * or with spaces, websites with schemes and paths, country names instead of codes, names typed in capitals.
 */
import { itemSeed, SeededRandom } from "@gtm-clarity/testkit/sandbox";
import type { SObjectName } from "../objects/index.js";
import { KEY_PREFIX, sandboxId } from "./ids.js";

export type SandboxRecord = Record<string, unknown> & { Id: string; SystemModstamp: string };
export type SandboxData = Record<SObjectName, SandboxRecord[]>;

export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");
export const DEFAULT_SEED = 1;
/** Records per object in the default data set. */
export const DEFAULT_COUNTS: Readonly<Record<SObjectName, number>> = {
  Account: 40,
  Contact: 60,
  Lead: 36,
  Opportunity: 20,
  Task: 60,
  Event: 24,
};
/** Consecutive records share one `SystemModstamp` in groups of this size. */
export const MODSTAMP_GROUP = 7;

const COUNTRIES = ["United States", "USA", "us", "Germany", "DE", "United Kingdom", "France", "Narnia", null];
const WEBSITE_FORMS = [
  (domain: string) => `https://www.${domain}/`,
  (domain: string) => domain,
  (domain: string) => `http://${domain.toUpperCase()}/about?ref=crm`,
  (domain: string) => `www.${domain}`,
];
const INDUSTRIES = ["Technology", "Finance", "Healthcare", "Retail", "Manufacturing", null];
const STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"];

/** Salesforce's datetime form: milliseconds and `+0000`. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

function modstamp(index: number): string {
  return sfDateTime(SANDBOX_EPOCH + Math.floor(index / MODSTAMP_GROUP) * 60_000);
}

function base(object: SObjectName, index: number): SandboxRecord {
  return {
    Id: sandboxId(KEY_PREFIX[object], index),
    IsDeleted: index % 13 === 12,
    CreatedDate: sfDateTime(SANDBOX_EPOCH - 86_400_000 + index * 1000),
    SystemModstamp: modstamp(index),
  };
}

function randomFor(object: SObjectName, index: number, seed: number): SeededRandom {
  return new SeededRandom(itemSeed(seed * 31 + object.length * 7 + object.charCodeAt(0), index));
}

/** Index of the account/contact a record points at (the first few hundred, so references resolve). */
const ref = (index: number, count: number) => index % Math.max(1, Math.min(count, 500));

export function makeRecord(object: SObjectName, index: number, seed = DEFAULT_SEED, counts = DEFAULT_COUNTS): SandboxRecord {
  const random = randomFor(object, index, seed);
  const record = base(object, index);
  switch (object) {
    case "Account": {
      const company = random.company();
      return {
        ...record,
        Name: index % 9 === 0 ? `  ${company.name.toUpperCase()}  ` : company.name,
        Website: random.pick(WEBSITE_FORMS)(company.domain),
        Industry: random.pick(INDUSTRIES),
        Type: random.pick(["Customer", "Prospect", "Partner"]),
        NumberOfEmployees: random.int(1, 20_000),
        AnnualRevenue: random.int(10, 5_000) * 10_000,
        Phone: `(415) 555-${String(random.int(0, 9999)).padStart(4, "0")}`,
        BillingCountry: random.pick(COUNTRIES),
        ParentId: null,
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
    case "Contact": {
      const person = random.person();
      const company = random.company();
      const email = random.email(person, company.domain);
      return {
        ...record,
        FirstName: index % 5 === 0 ? person.first.toUpperCase() : person.first,
        LastName: person.last,
        Email: index % 4 === 0 ? ` ${email.toUpperCase()} ` : email,
        Phone: index % 3 === 0 ? `+44 20 7946 ${String(random.int(0, 9999)).padStart(4, "0")}` : `(415) 555-${String(random.int(100, 9999)).padStart(4, "0")}`,
        MobilePhone: null,
        Title: random.pick(["CEO", "VP Sales", "Engineer", "Head of Marketing", null]),
        Department: random.pick(["Sales", "Engineering", null]),
        AccountId: sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)),
        LeadSource: random.pick(["Web", "Partner", "Event", null]),
        HasOptedOutOfEmail: random.bool(0.1),
        DoNotCall: random.bool(0.05),
        MailingCountry: index % 3 === 0 ? "United Kingdom" : random.pick(["United States", "USA", "US"]),
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
    case "Lead": {
      const person = random.person();
      const company = random.company();
      const converted = index % 6 === 5;
      // Every fourth Lead carries the email of a Contact: the pipeline flags it.
      const contact = index % 4 === 1 ? makeRecord("Contact", ref(index, counts.Contact), seed, counts) : undefined;
      const email = typeof contact?.["Email"] === "string" ? contact["Email"].trim().toLowerCase() : random.email(person, company.domain);
      return {
        ...record,
        FirstName: person.first,
        LastName: index % 7 === 0 ? person.last.toLowerCase() : person.last,
        Company: company.name,
        Email: email,
        Phone: `555-${String(random.int(0, 9999)).padStart(4, "0")}`,
        Title: random.pick(["Founder", "CTO", null]),
        Status: converted ? "Closed - Converted" : random.pick(["Open - Not Contacted", "Working - Contacted"]),
        LeadSource: random.pick(["Web", "Webinar", null]),
        Industry: random.pick(INDUSTRIES),
        Website: index % 5 === 0 ? null : random.pick(WEBSITE_FORMS)(company.domain),
        NumberOfEmployees: random.int(1, 500),
        Country: random.pick(COUNTRIES),
        IsConverted: converted,
        ConvertedDate: converted ? "2025-01-03" : null,
        ConvertedContactId: converted ? sandboxId(KEY_PREFIX.Contact, ref(index, counts.Contact)) : null,
        ConvertedAccountId: converted ? sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)) : null,
        HasOptedOutOfEmail: false,
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
    case "Opportunity": {
      const stage = random.pick(STAGES);
      return {
        ...record,
        AccountId: sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)),
        Name: `${random.company().name} renewal`,
        StageName: stage,
        Amount: random.int(1, 500) * 1000,
        CloseDate: `2025-0${random.int(1, 9)}-1${random.int(0, 9)}`,
        Probability: random.int(0, 100),
        IsClosed: stage.startsWith("Closed"),
        IsWon: stage === "Closed Won",
        ForecastCategory: random.pick(["Pipeline", "BestCase", "Commit", "Closed"]),
        Type: random.pick(["New Business", "Existing Business"]),
        LeadSource: null,
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
    case "Task": {
      const subtype = ["Email", "Call", "Task", "ListEmail"][index % 4];
      const what = index % 3 === 0 ? sandboxId(KEY_PREFIX.Opportunity, ref(index, counts.Opportunity)) : sandboxId(KEY_PREFIX.Account, ref(index, counts.Account));
      return {
        ...record,
        WhoId: sandboxId(KEY_PREFIX.Contact, ref(index, counts.Contact)),
        WhatId: what,
        AccountId: sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)),
        Subject: subtype === "Call" ? "Discovery call" : `Follow-up ${index}`,
        ActivityDate: "2025-01-05",
        Status: "Completed",
        Priority: "Normal",
        TaskSubtype: subtype,
        Type: subtype === "Call" ? "Call" : null,
        CallType: subtype === "Call" ? random.pick(["Inbound", "Outbound"]) : null,
        CallDurationInSeconds: subtype === "Call" ? random.int(30, 3600) : null,
        CallDisposition: null,
        IsClosed: true,
        IsArchived: index % 10 === 9,
        CompletedDateTime: sfDateTime(SANDBOX_EPOCH - 3_600_000 + index * 1000),
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
    case "Event": {
      const start = SANDBOX_EPOCH - 7_200_000 + index * 60_000;
      return {
        ...record,
        WhoId: sandboxId(KEY_PREFIX.Contact, ref(index, counts.Contact)),
        WhatId: sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)),
        AccountId: sandboxId(KEY_PREFIX.Account, ref(index, counts.Account)),
        Subject: "Product demo",
        StartDateTime: sfDateTime(start),
        EndDateTime: sfDateTime(start + 1_800_000),
        ActivityDateTime: sfDateTime(start),
        ActivityDate: "2025-01-06",
        DurationInMinutes: 30,
        IsAllDayEvent: false,
        Location: random.pick(["Zoom", "HQ", null]),
        EventSubtype: "Event",
        Type: "Meeting",
        ShowAs: "Busy",
        IsArchived: index % 11 === 10,
        OwnerId: sandboxId(KEY_PREFIX.User, 1),
      };
    }
  }
}

/** One record of `object` a sync must quarantine (an email that is not one, or a broken date). */
export function malformedRecord(object: SObjectName, index: number, seed = DEFAULT_SEED, counts = DEFAULT_COUNTS): SandboxRecord {
  const record = makeRecord(object, index, seed, counts);
  switch (object) {
    case "Contact":
    case "Lead":
      return { ...record, Email: "not an email" };
    case "Account":
      return { ...record, NumberOfEmployees: "many" };
    case "Opportunity":
      return { ...record, CloseDate: "soon" };
    case "Task":
      return { ...record, CompletedDateTime: "yesterday" };
    case "Event":
      return { ...record, StartDateTime: "tomorrow" };
  }
}

/** `counts[object]` records per object (default: DEFAULT_COUNTS), the middle one of each malformed. */
export function sandboxData(counts: Partial<Record<SObjectName, number>> = {}, seed = DEFAULT_SEED): SandboxData {
  const all = { ...DEFAULT_COUNTS, ...counts };
  const data = {} as SandboxData;
  for (const object of Object.keys(all) as SObjectName[]) {
    const count = all[object];
    const malformedAt = Math.floor(count / 2);
    data[object] = Array.from({ length: count }, (_, index) =>
      index === malformedAt ? malformedRecord(object, index, seed, all) : makeRecord(object, index, seed, all),
    );
  }
  return data;
}
