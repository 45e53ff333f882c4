/**
 * The sandbox against Customer.io's documented behaviour (vendor-apis.md §3), over plain HTTP, without the connector:
 * if the sandbox drifted from the vendor, the connector's tests would prove nothing.
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { customerioSandbox, startCustomerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";

const open: CustomerioSandbox[] = [];
async function start(options: Parameters<typeof startCustomerioSandbox>[0] = {}) {
  const sandbox = await startCustomerioSandbox({ seed: 9, size: 30, ...options });
  open.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
});

function api(sandbox: CustomerioSandbox, path: string, init: RequestInit = {}) {
  return fetch(`${sandbox.url}${path}`, { ...init, headers: { authorization: `Bearer ${sandbox.apiKey}`, "content-type": "application/json", ...init.headers } });
}

describe("sandbox: App API", () => {
  it("serves the same workspace, key and signing secret for the same seed", async () => {
    // One clock for both: the seeded times are relative to "now", and two starts may straddle a second.
    const now = Date.now();
    const clock = () => now;
    const a = await customerioSandbox.start({ seed: 21, size: 5, clock });
    const b = await customerioSandbox.start({ seed: 21, size: 5, clock });
    open.push(a, b);
    expect(a.apiKey).toBe(b.apiKey);
    expect(a.webhooks.secret).toBe(b.webhooks.secret);
    expect(a.people()).toEqual(b.people());
  });

  it("keeps 30 days of activity, newest first, with exactly one source per message", async () => {
    const sandbox = await start();
    const body = (await (await api(sandbox, "/v1/activities?limit=100")).json()) as { activities: { timestamp?: number; data?: Record<string, unknown> }[] };
    const times = body.activities.map((entry) => entry.timestamp ?? Number.NaN).filter((time) => !Number.isNaN(time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const cutoff = Date.now() / 1000 - 30 * 86_400 - 60;
    expect(times.every((time) => time >= cutoff)).toBe(true);
    for (const entry of body.activities) {
      const sources = ["campaign_id", "broadcast_id", "newsletter_id", "transactional_message_id"].filter((key) => entry.data?.[key] !== undefined);
      if (entry.data?.["delivery_id"] !== undefined) expect(sources).toHaveLength(1);
    }
  });

  it("pages with start=<next> until next is empty, and refuses a token it did not issue", async () => {
    const sandbox = await start({ rateLimit: false });
    let token: string | undefined;
    let total = 0;
    for (let page = 0; page < 100; page += 1) {
      const query = token === undefined ? "?limit=20" : `?limit=20&start=${token}`;
      const body = (await (await api(sandbox, `/v1/activities${query}`)).json()) as { activities: unknown[]; next: string };
      total += body.activities.length;
      if (body.next === "") break;
      token = body.next;
    }
    expect(total).toBe(sandbox.events().length);
    const bad = await api(sandbox, "/v1/activities?start=bogus");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ meta: { error: "start is not a token this API returned" } });
  });

  it("enforces the documented limits: 100 activities, 1,000 identifiers, 100 people per attributes call", async () => {
    const sandbox = await start();
    expect((await api(sandbox, "/v1/activities?limit=101")).status).toBe(400);
    const search = await api(sandbox, "/v1/customers?limit=1001", { method: "POST", body: JSON.stringify({ filter: { segment: { id: 1 } } }) });
    expect(search.status).toBe(400);
    const ids = Array.from({ length: 101 }, (_, index) => String(index));
    const attributes = await api(sandbox, "/v1/customers/attributes", { method: "POST", body: JSON.stringify({ ids }) });
    expect(attributes.status).toBe(400);
    expect(await attributes.json()).toEqual({ meta: { error: "ids: at most 100 people per request" } });
  });

  it("answers a search with identifiers only, and attributes for them by id or cio_id", async () => {
    const sandbox = await start();
    const search = (await (
      await api(sandbox, "/v1/customers?limit=1000", { method: "POST", body: JSON.stringify({ filter: { and: [{ attribute: { field: "email", operator: "exists" } }] } }) })
    ).json()) as { identifiers: { id: string; cio_id: string }[]; ids: string[]; next: string };
    expect(search.identifiers).toHaveLength(30);
    expect(search.next).toBe("");
    expect(Object.keys(search.identifiers[0] ?? {}).sort()).toEqual(["cio_id", "email", "id"]);
    const emailFirst = search.identifiers.find((identifier) => identifier.id === "");
    const byCio = await api(sandbox, "/v1/customers/attributes?id_type=cio_id", { method: "POST", body: JSON.stringify({ ids: [emailFirst?.cio_id] }) });
    const customers = ((await byCio.json()) as { customers: { attributes: Record<string, string> }[] }).customers;
    expect(customers).toHaveLength(1);
    expect(customers[0]?.attributes["cio_id"]).toBe(emailFirst?.cio_id);
  });

  it("rate limits at 10 requests per second with a 429 and no rate-limit headers", async () => {
    const sandbox = await start();
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let index = 0; index < 12; index += 1) {
      const response = await api(sandbox, "/v1/activities?limit=1");
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    // Twelve requests back to back: unless this machine took a full second for them, the eleventh is refused.
    if (statuses.includes(429)) {
      expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
      expect(await refused?.json()).toEqual({ meta: { error: "Your request is over the 10-per-second limit" } });
      expect(refused?.headers.get("retry-after")).toBeNull();
      expect([...(refused?.headers.keys() ?? [])].some((name) => name.startsWith("ratelimit"))).toBe(false);
    } else {
      console.warn("sandbox rate-limit check: 12 requests took over a second here, so none was over the limit");
    }
    expect(sandbox.requests().filter((request) => request.status === 429).length).toBe(statuses.filter((status) => status === 429).length);
  });
});

describe("sandbox: reporting webhooks", () => {
  it("signs as Customer.io does: hex HMAC-SHA256 of v0:<timestamp>:<raw body>, keyed with the secret's UTF-8 bytes", async () => {
    const sandbox = await start();
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
      const delivery = await sandbox.webhooks.send(url);
      expect(delivery.delivered).toBe(true);
      const [first] = received;
      const timestamp = String(first?.headers["x-cio-timestamp"]);
      const expected = createHmac("sha256", sandbox.webhooks.secret).update(`v0:${timestamp}:${first?.body ?? ""}`).digest("hex");
      expect(first?.headers["x-cio-signature"]).toBe(expected);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(600);
      const body = JSON.parse(first?.body ?? "{}") as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(["data", "event_id", "metric", "object_type", "timestamp"]);
      expect(body["event_id"]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(Number.isInteger(body["timestamp"])).toBe(true);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it("renders one event as a webhook and as an activity entry that share delivery, metric and time", async () => {
    const sandbox = await start();
    for (const event of sandbox.events().filter((item) => item.deliveryId !== undefined).slice(0, 20)) {
      const webhook = sandbox.webhookBody(event) as { metric: string; timestamp: number; data: { delivery_id: string } };
      const entry = sandbox.activityEntry(event) as { type: string; timestamp: number; delivery_id: string };
      expect(entry.delivery_id).toBe(webhook.data.delivery_id);
      expect(entry.type.startsWith(`${webhook.metric}_`)).toBe(true);
      expect(entry.timestamp).toBe(webhook.timestamp);
    }
  });
});
