/**
 * An in-memory fake vendor for testkit's own tests: seeded accounts, people (one with a malformed email, which a
 * sync must quarantine) and activities, found by API key. A loopback `/me` endpoint exists only so that tests can
 * prove real network access still works after a check has blocked it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { Credentials } from "@gtm-clarity/core";
import type { FakeAccount, FakeActivity, FakePerson } from "./rows.js";

export interface FakeRows {
  accounts: FakeAccount[];
  people: FakePerson[];
  activities: FakeActivity[];
}

export const FAKE_STREAMS = ["accounts", "people", "activities"] as const;

export interface FakeSource {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly credentials: Credentials;
  readonly badCredentials: Credentials;
  /** Rows served, the malformed one included: what a full sync must emit or quarantine. */
  readonly expectedRecords: number;
  readonly rows: FakeRows;
  /** A new activity, as if it happened at the source after a sync. */
  addActivity(patch?: Partial<FakeActivity>): FakeActivity;
  close(): Promise<void>;
}

const sources = new Map<string, FakeSource>();

/** The source these credentials open, or undefined for a key no source issued (the vendor's 401). */
export function sourceFor(credentials: Credentials): FakeSource | undefined {
  return sources.get(credentials["apiKey"] ?? "");
}

const pad = (index: number): string => String(index + 1).padStart(4, "0");
const at = (index: number): string => new Date(Date.UTC(2024, 0, 1, 9) + index * 3_600_000).toISOString();
const TYPES = ["email_sent", "email_opened", "meeting", "page_view"] as const;

function activity(index: number): FakeActivity {
  return {
    id: `act_${pad(index)}`,
    type: TYPES[index % TYPES.length] ?? "meeting",
    person_id: `per_${pad(index % 40)}`,
    company_id: `acc_${pad(index % 10)}`,
    subject: `Touchpoint ${index + 1}`,
    occurred_at: at(index),
    duration_seconds: index % 4 === 2 ? 1800 : null,
    created_at: at(index),
    updated_at: at(index),
  };
}

function seed(): FakeRows {
  const accounts = Array.from({ length: 10 }, (_, index): FakeAccount => ({
    id: `acc_${pad(index)}`,
    name: `Company ${index + 1}`,
    website: `https://www.company-${index + 1}.test/`,
    industry: "Software",
    employees: 10 * (index + 1),
    created_at: at(index),
    updated_at: at(index),
  }));
  const people = Array.from({ length: 40 }, (_, index): FakePerson => ({
    id: `per_${pad(index)}`,
    // One malformed email on purpose: the sync must quarantine it.
    email: index === 7 ? "not-an-email" : `person${index + 1}@company-${(index % 10) + 1}.test`,
    first_name: "Pat",
    last_name: `Doe ${index + 1}`,
    job_title: null,
    phone: null,
    company_id: `acc_${pad(index % 10)}`,
    deleted: false,
    created_at: at(index),
    updated_at: at(index),
  }));
  return { accounts, people, activities: Array.from({ length: 90 }, (_, index) => activity(index)) };
}

export async function startFakeSource(): Promise<FakeSource> {
  const apiKey = `sk_fake_${randomBytes(16).toString("hex")}`;
  const server = http.createServer((req, res) => {
    const authorized = req.headers.authorization === `Bearer ${apiKey}`;
    res.writeHead(authorized && req.url === "/me" ? 200 : 401, { "content-type": "application/json" });
    res.end(JSON.stringify(authorized ? { workspace: "fake" } : { error: "invalid_api_key" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const rows = seed();
  const source: FakeSource = {
    apiKey,
    baseUrl,
    credentials: { apiKey, baseUrl },
    badCredentials: { apiKey: `sk_fake_${randomBytes(16).toString("hex")}`, baseUrl },
    get expectedRecords() {
      return rows.accounts.length + rows.people.length + rows.activities.length;
    },
    rows,
    addActivity(patch = {}) {
      const added = { ...activity(rows.activities.length), ...patch };
      rows.activities.push(added);
      return added;
    },
    async close() {
      sources.delete(apiKey);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  sources.set(apiKey, source);
  return source;
}
