/**
 * Customer.io's reporting webhooks, delivered by its sandbox exactly as Customer.io sends them (X-CIO-Timestamp and
 * X-CIO-Signature over the raw body), to the webhook handler behind a loopback server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleConnectWithKey } from "../src/handlers/connect-key.js";
import { handleRotateWebhookSecret } from "../src/handlers/connection-actions.js";
import { handleWebhook } from "../src/handlers/webhook.js";
import { serveHandler, type Loopback } from "./loopback.js";
import { formPost, location, sessionCookieFor, uniqueTenant, useRuntime } from "./support.js";

const h = useRuntime();

describe("Customer.io webhooks", () => {
  let server: Loopback;
  let url = "";
  let secret = "";
  let connectionId = "";

  beforeAll(async () => {
    server = await serveHandler((request, path) => {
      const [, , , connector = "", connection = ""] = path.split("/");
      return handleWebhook(h.rt, request, { connector, connection });
    });
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(h.rt, tenantId);
    const sandbox = h.rt.sandboxes.get("customerio");
    const fields: Record<string, string> = { connector: "customerio" };
    for (const [name, value] of Object.entries(sandbox?.credentials ?? {})) fields[`secret.${name}`] = value;
    const connected = await handleConnectWithKey(h.rt, formPost("/api/connections", { cookie, fields }));
    expect(location(connected).searchParams.get("notice")).toBe("connected");
    connectionId = location(connected).pathname.split("/").at(-1) ?? "";
    const rotated = await handleRotateWebhookSecret(h.rt, formPost(`/api/connections/${connectionId}/webhook-secret`, { cookie }), { id: connectionId });
    secret = ((await rotated.json()) as { secret: string }).secret;
    url = `${server.url}/api/webhooks/customerio/${connectionId}`;
  });

  afterAll(async () => {
    await server?.close();
  });

  async function events(): Promise<number> {
    const { rows } = await h.rt.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_events WHERE connection_id = $1", [connectionId]);
    return rows[0]?.n ?? -1;
  }

  it("commits a delivery signed with the connection's secret, once even when re-sent", async () => {
    const webhooks = h.rt.sandboxes.get("customerio")?.webhooks;
    expect(webhooks).toBeDefined();
    const first = await webhooks?.send(url, { secret, id: "01HCIOEVENT0000000000000001" });
    expect(first?.status).toBe(200);
    expect(await events()).toBe(1);
    const again = await webhooks?.send(url, { secret, id: "01HCIOEVENT0000000000000001" });
    expect(again?.status).toBe(200);
    expect(JSON.parse(again?.body ?? "{}")).toMatchObject({ duplicate: true });
    expect(await events()).toBe(1);
  });

  it("answers 401 to a delivery signed with another secret, writing nothing", async () => {
    const before = await events();
    const forged = await h.rt.sandboxes.get("customerio")?.webhooks?.send(url, { secret: "not-this-connections-secret" });
    expect(forged?.status).toBe(401);
    expect(forged?.body).toBe("Unauthorized");
    expect(await events()).toBe(before);
  });
});
