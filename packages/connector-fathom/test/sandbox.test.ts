import { MeetingSchema, OpenApiMeetingSchema } from "../src/api-schema.js";
import { afterEach, describe, expect, it } from "vitest";
import { json, route, startSandboxServer, type SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import { generateMeetings } from "../src/sandbox/data.js";
import {
  fathomSandbox,
  startFathomSandbox,
  type FathomSandbox,
  type FathomSandboxOptions,
} from "../src/sandbox/index.js";
import { Fathom } from "fathom-typescript";

const open: FathomSandbox[] = [];
async function sandboxWith(options: FathomSandboxOptions = {}): Promise<FathomSandbox> {
  const sandbox = await startFathomSandbox(options);
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
});

async function get(sandbox: FathomSandbox, query = "", apiKey: string | null = sandbox.apiKey) {
  const response = await fetch(`${sandbox.url}/meetings${query}`, {
    headers: apiKey === null ? {} : { "X-Api-Key": apiKey },
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe("sandbox data", () => {
  it("is deterministic per seed and stable as the data set grows", () => {
    expect(generateMeetings(20, 3)).toEqual(generateMeetings(20, 3));
    expect(generateMeetings(200, 3).slice(0, 20)).toEqual(generateMeetings(20, 3));
    expect(generateMeetings(5, 4)).not.toEqual(generateMeetings(5, 3));
  });

  it("produces meetings with every field Fathom's OpenAPI calls required, which the connector accepts", () => {
    for (const meeting of generateMeetings(300, 11)) {
      expect(OpenApiMeetingSchema.safeParse(meeting).success).toBe(true);
      expect(MeetingSchema.safeParse(meeting).success).toBe(true);
    }
  });

  it("generates 5,000 meetings quickly", async () => {
    const started = Date.now();
    const sandbox = await sandboxWith({ meetings: 5_000 });
    expect(sandbox.meetings()).toHaveLength(5_000);
    // Well under a second alone; the bound only catches generation going quadratic, even at full CI load on a slow
    // day (where 5 s was once not enough).
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("sandbox API", () => {
  it("checks X-Api-Key and answers 401 with a JSON body", async () => {
    const sandbox = await sandboxWith();
    for (const key of [null, "wrong"]) {
      const response = await get(sandbox, "", key);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.body).toHaveProperty("error");
    }
    expect(sandbox.stats().unauthorized).toBe(2);
  });

  it("lists newest first in pages of 10, echoing limit, with next_cursor null at the end", async () => {
    const sandbox = await sandboxWith({ meetings: 12 });
    const first = await get(sandbox);
    expect(first.status).toBe(200);
    expect(first.body["limit"]).toBe(10);
    const items = first.body["items"] as { created_at: string }[];
    expect(items).toHaveLength(10);
    const times = items.map((item) => Date.parse(item.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const second = await get(sandbox, `?cursor=${encodeURIComponent(String(first.body["next_cursor"]))}`);
    expect(second.body["items"]).toHaveLength(2);
    expect(second.body["next_cursor"]).toBeNull();
  });

  it("resumes a cursor right after the meeting it names, ties broken by recording id, whatever was added since", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const first = await get(sandbox);
    const lastOfFirst = sandbox.meetings()[9];
    if (lastOfFirst === undefined) throw new Error("the sandbox has 25 meetings");
    const ids = sandbox.meetings().map((meeting) => meeting.recording_id);
    // Same creation time as the page's last meeting: a lower id sorts after it (next page), a higher one before it.
    const tieAfter = { ...lastOfFirst, recording_id: Math.min(...ids) - 1 };
    const tieBefore = { ...lastOfFirst, recording_id: Math.max(...ids) + 1 };
    sandbox.insertMeetings([tieAfter, tieBefore]);
    sandbox.addMeetings(3);
    const second = await get(sandbox, `?cursor=${encodeURIComponent(String(first.body["next_cursor"]))}`);
    const served = (second.body["items"] as { recording_id: number }[]).map((item) => item.recording_id);
    const older = sandbox.meetings().filter((meeting) => meeting.created_at < lastOfFirst.created_at);
    expect(served).toEqual([tieAfter.recording_id, ...older.slice(0, 9).map((meeting) => meeting.recording_id)]);
  });

  it("serves Fathom's own SDK unchanged: its paths, parameters and headers, every page, as it validates them", async () => {
    const sandbox = await sandboxWith({ meetings: 23, rateLimit: false });
    const fathom = new Fathom({ security: { apiKeyAuth: sandbox.apiKey }, serverURL: sandbox.url, retryConfig: { strategy: "none" } });
    const ids: number[] = [];
    const pages = await fathom.listMeetings({ includeTranscript: true, includeSummary: true, includeActionItems: true });
    for await (const page of pages) ids.push(...(page?.result.items.map((meeting) => meeting.recordingId) ?? []));
    expect(ids).toEqual(sandbox.meetings().map((meeting) => meeting.recording_id));
    expect(sandbox.requests().map((request) => request.status)).toEqual([200, 200, 200]);
  });

  it("ignores a page-size parameter, as Fathom has none", async () => {
    const sandbox = await sandboxWith({ meetings: 30 });
    expect((await get(sandbox, "?limit=50")).body["items"]).toHaveLength(10);
  });

  it("filters by created_after and created_before (exclusive)", async () => {
    const sandbox = await sandboxWith({ meetings: 30 });
    const all = sandbox.meetings();
    const after = all[5]?.created_at ?? "";
    const before = all[2]?.created_at ?? "";
    const response = await get(sandbox, `?created_after=${after}&created_before=${before}`);
    expect((response.body["items"] as { recording_id: number }[]).map((item) => item.recording_id)).toEqual(
      all.slice(3, 5).map((meeting) => meeting.recording_id),
    );
  });

  it("answers 400 to malformed parameters", async () => {
    const sandbox = await sandboxWith();
    for (const query of ["?created_after=soon", "?include_transcript=yes", "?cursor=%%%", "?calendar_invitees_domains_type=some"]) {
      expect((await get(sandbox, query)).status).toBe(400);
    }
  });

  it("blanks what the include_* flags did not ask for", async () => {
    const sandbox = await sandboxWith({ meetings: 3 });
    const bare = (await get(sandbox)).body["items"] as Record<string, unknown>[];
    for (const item of bare) {
      expect(item).toMatchObject({ transcript: null, default_summary: null, action_items: null, crm_matches: null });
      for (const invitee of item["calendar_invitees"] as Record<string, unknown>[]) {
        expect(invitee).not.toHaveProperty("matched_speaker_display_name");
      }
    }
    const full = (await get(sandbox, "?include_transcript=true&include_summary=true&include_action_items=true&include_crm_matches=true"))
      .body["items"] as Record<string, unknown>[];
    for (const item of full) {
      expect(item["transcript"]).toBeInstanceOf(Array);
      expect(item["default_summary"]).toHaveProperty("markdown_formatted");
      expect(item["action_items"]).toBeInstanceOf(Array);
      expect(item["crm_matches"]).toHaveProperty("companies");
    }
  });

  it("filters by calendar_invitees_domains_type and recorded_by[]", async () => {
    const sandbox = await sandboxWith({ meetings: 40 });
    const internal = (await get(sandbox, "?calendar_invitees_domains_type=only_internal")).body["items"] as Record<string, unknown>[];
    expect(internal.length).toBeGreaterThan(0);
    expect(internal.every((item) => item["calendar_invitees_domains_type"] === "only_internal")).toBe(true);
    const recorder = sandbox.meetings()[0]?.recorded_by.email ?? "";
    const mine = (await get(sandbox, `?recorded_by[]=${encodeURIComponent(recorder)}`)).body["items"] as {
      recorded_by: { email: string };
    }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((item) => item.recorded_by.email === recorder)).toBe(true);
  });

  it("sends RateLimit-* headers and a 429 beyond the budget", async () => {
    const sandbox = await sandboxWith({ rateLimit: { requests: 2, windowMs: 10_000 } });
    const first = await get(sandbox);
    expect(first.headers.get("ratelimit-limit")).toBe("2");
    expect(first.headers.get("ratelimit-remaining")).toBe("1");
    expect(Number(first.headers.get("ratelimit-reset"))).toBe(10);
    expect((await get(sandbox)).headers.get("ratelimit-remaining")).toBe("0");
    const limited = await get(sandbox);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(limited.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    expect(sandbox.stats().rateLimited).toBe(1);
  });

  it("applies the heavy budget to requests with the transcript or summary", async () => {
    const sandbox = await sandboxWith({ rateLimit: { requests: 5, heavyRequests: 1, windowMs: 10_000 } });
    expect((await get(sandbox, "?include_summary=true")).status).toBe(200);
    expect((await get(sandbox, "?include_transcript=true")).status).toBe(429);
    expect((await get(sandbox)).status).toBe(200);
  });

  it("injects 5xx on the Nth request and malformed pages", async () => {
    const sandbox = await sandboxWith({ rateLimit: false, faults: { failRequests: [2], malformedPageRequests: [3] } });
    expect((await get(sandbox)).status).toBe(200);
    expect((await get(sandbox)).status).toBe(503);
    const malformed = await get(sandbox);
    expect(malformed.status).toBe(200);
    expect(malformed.body["items"]).toBe("this is not a list");
  });
});

describe("fathomSandbox (the descriptor)", () => {
  async function started(options: Parameters<typeof fathomSandbox.start>[0] = {}): Promise<FathomSandbox> {
    const sandbox = await fathomSandbox.start(options);
    open.push(sandbox);
    return sandbox;
  }

  it("names the connector and starts `size` seeded meetings; a seed fixes the credentials too", async () => {
    // What the worker's demo holds: descriptors of any connector, settings as plain objects.
    const generic: SandboxDescriptor<Record<string, unknown>> = fathomSandbox;
    expect(generic.connectorId).toBe("fathom");
    const [a, b, unseeded] = await Promise.all([started({ seed: 7, size: 12 }), started({ seed: 7, size: 12 }), started({ size: 12 })]);
    expect(a.meetings()).toEqual(b.meetings());
    expect(a.meetings()).toHaveLength(12);
    expect(a.apiKey).toBe(b.apiKey);
    expect(a.webhooks.secret).toBe(b.webhooks.secret);
    expect(a.webhooks.secret).toMatch(/^whsec_/);
    expect(unseeded.apiKey).not.toBe(a.apiKey);
    expect(a.url).not.toBe(b.url);
  });

  it("gives secrets the sandbox accepts, bad ones it refuses, and settings that point at it", async () => {
    const sandbox = await started({ size: 3 });
    expect(sandbox.credentials).toEqual({ apiKey: sandbox.apiKey });
    expect((await get(sandbox, "", String(sandbox.badCredentials["apiKey"]))).status).toBe(401);
    expect(sandbox.settings({ tenantId: "t1", connectionId: "c1" })).toEqual({ baseUrl: sandbox.url });
  });

  it("counts the records a full sync must see, and adds newer data for an incremental sync", async () => {
    const sandbox = await started({ size: 5 });
    const before = sandbox.expectedRecords;
    expect(before).toBeGreaterThanOrEqual(5 + 1);
    const newest = sandbox.meetings()[0]?.created_at ?? "";
    expect(await sandbox.addNewData(2)).toBe(2);
    expect(sandbox.meetings()).toHaveLength(7);
    expect((sandbox.meetings()[1]?.created_at ?? "") > newest).toBe(true);
    expect(sandbox.expectedRecords).toBeGreaterThanOrEqual(before + 2);
  });

  it("takes rate window overrides by name, or none at all", async () => {
    const tight = await started({ rateLimit: { heavy: { limit: 1 } } });
    expect((await get(tight, "?include_summary=true")).headers.get("ratelimit-limit")).toBe("1");
    expect((await get(tight, "?include_summary=true")).status).toBe(429);
    expect((await get(tight)).headers.get("ratelimit-limit")).toBe("60");
    const open_ = await started({ rateLimit: false });
    expect((await get(open_)).headers.get("ratelimit-limit")).toBeNull();
    await expect(fathomSandbox.start({ rateLimit: { hevy: { limit: 1 } } })).rejects.toThrow(/no rate window "hevy"/);
  });

  it("applies kit faults: a malformed meeting by id, a status, and a cursor that leads back (A -> B -> A)", async () => {
    const sandbox = await started({ size: 35, rateLimit: false });
    const third = String(sandbox.meetings()[2]?.recording_id);
    sandbox.faults.once({ kind: "malformed-item", itemId: third });
    const first = await get(sandbox);
    expect((first.body["items"] as Record<string, unknown>[])[2]).toMatchObject({ created_at: "last tuesday" });
    const a = String(first.body["next_cursor"]);
    const b = String((await get(sandbox, `?cursor=${a}`)).body["next_cursor"]);
    sandbox.faults.once({ kind: "repeat-cursor" });
    expect((await get(sandbox, `?cursor=${b}`)).body["next_cursor"]).toBe(a);
    sandbox.faults.once({ kind: "html", status: 502 });
    const html = await fetch(`${sandbox.url}/meetings`, { headers: { "X-Api-Key": sandbox.apiKey } });
    expect([html.status, html.headers.get("content-type")]).toEqual([502, "text/html; charset=utf-8"]);
    expect(sandbox.stats()).toMatchObject({ faultsInjected: 3, serverErrors: 1 });
  });

  it("arms faults given at start", async () => {
    const sandbox = await started({ size: 3, faults: [{ fault: { kind: "status", status: 500 }, times: 2 }] });
    expect([(await get(sandbox)).status, (await get(sandbox)).status, (await get(sandbox)).status]).toEqual([500, 500, 200]);
  });

  it("sends webhooks signed with its secret, retrying a failed delivery with the same id", async () => {
    const sandbox = await started({ size: 2 });
    const received: { id: string | undefined; body: string }[] = [];
    const receiver = await startSandboxServer({
      routes: [
        route("POST", "/hook", async (req) => {
          received.push({ id: req.header("webhook-id"), body: await req.text() });
          return json(received.length === 1 ? 503 : 204, {});
        }),
      ],
    });
    try {
      const delivery = await sandbox.webhooks.send(`${receiver.url}/hook`, { retryDelaysMs: [5] });
      expect(delivery).toMatchObject({ delivered: true, status: 204 });
      expect(received.map((entry) => entry.id)).toEqual([delivery.id, delivery.id]);
      expect(JSON.parse(received[0]?.body ?? "{}")).toMatchObject({ recording_id: sandbox.meetings()[0]?.recording_id });
    } finally {
      await receiver.close();
    }
  });
});
