import { MeetingSchema, OpenApiMeetingSchema } from "../src/api-schema.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  FathomRateLimiter,
  generateMeetings,
  RateWindow,
  startFathomSandbox,
  type FathomSandbox,
  type FathomSandboxOptions,
} from "../src/sandbox/index.js";

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
    expect(Date.now() - started).toBeLessThan(5_000);
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

describe("rate windows", () => {
  it("fixed: the window starts at the first request and resets after windowMs", () => {
    const window = new RateWindow({ limit: 2, windowMs: 1_000, mode: "fixed" });
    window.consume(100);
    window.consume(500);
    expect(window.state(900)).toEqual({ limit: 2, remaining: 0, resetMs: 200 });
    expect(window.state(1_100).remaining).toBe(2);
  });

  it("sliding: each request frees its slot windowMs after it was made", () => {
    const window = new RateWindow({ limit: 2, windowMs: 1_000, mode: "sliding" });
    window.consume(100);
    window.consume(500);
    expect(window.state(900)).toEqual({ limit: 2, remaining: 0, resetMs: 200 });
    expect(window.state(1_100).remaining).toBe(1);
    expect(window.state(1_500).remaining).toBe(2);
  });

  it("reports the binding budget in the headers", () => {
    const limiter = new FathomRateLimiter({ requests: 10, heavyRequests: 2, windowMs: 60_000, mode: "fixed" });
    expect(limiter.take(0, false).headers).toMatchObject({ "RateLimit-Limit": "10", "RateLimit-Remaining": "9" });
    expect(limiter.take(0, true).headers).toMatchObject({ "RateLimit-Limit": "2", "RateLimit-Remaining": "1" });
  });
});
