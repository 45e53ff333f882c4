/**
 * Sandbox fidelity: jsforce 3.10.16, Salesforce's best-known Node client, runs against the sandbox unchanged. If the
 * sandbox drifted from Salesforce (token response, identity URL, paging, error bodies, limit headers), this client,
 * written against the real service, would notice. The connector itself does not use jsforce.
 */
import { Connection, OAuth2 } from "jsforce";
import { describe, expect, it } from "vitest";
import { start } from "./support.js";

const REDIRECT = "http://127.0.0.1:9/callback";

/** A person clicking Allow on the sandbox's authorize page (the form the page shows, submitted as the button does). */
async function allow(authorizeUrl: string): Promise<string> {
  const page = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1] ?? "", (match[2] ?? "").replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
  }
  form.set("decision", "allow");
  const answer = await fetch(new URL("/services/oauth2/authorize", authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  return new URL(answer.headers.get("location") ?? "").searchParams.get("code") ?? "";
}

async function connected(options: Parameters<typeof start>[0] = {}) {
  const started = await start({ maxPageSize: 10, ...options });
  const { sandbox } = started;
  const oauth2 = new OAuth2({
    loginUrl: sandbox.url,
    clientId: sandbox.oauth.clientId,
    clientSecret: sandbox.oauth.clientSecret,
    redirectUri: REDIRECT,
  });
  const conn = new Connection({ oauth2, version: "66.0" });
  const code = await allow(oauth2.getAuthorizationUrl({ scope: "api refresh_token id" }));
  const userInfo = await conn.authorize(code);
  return { ...started, conn, userInfo };
}

describe("jsforce against the sandbox, unchanged", () => {
  it("authorizes by code and reads the org and user from the identity URL", async () => {
    const { conn, userInfo, sandbox } = await connected();
    expect(userInfo).toMatchObject({ id: sandbox.oauth.userId, organizationId: sandbox.oauth.organizationId });
    expect(conn.instanceUrl).toBe(sandbox.url);
    expect(conn.refreshToken).toBeTruthy();
  });

  it("pages a query with nextRecordsUrl (queryMore), totalSize covering every page", async () => {
    const { conn, sandbox } = await connected();
    const first = await conn.query<{ Id: string; Name: string; attributes?: { type: string; url: string } }>("SELECT Id, Name FROM Account ORDER BY Id");
    expect(first.done).toBe(false);
    // jsforce hands the locator back resolved against the instance URL.
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v66\.0\/query\/01g\d+-10$/);
    expect(first.records[0]?.attributes?.type).toBe("Account");
    const ids = first.records.map((record) => record.Id);
    let locator = first.nextRecordsUrl;
    while (locator !== undefined) {
      const next = await conn.queryMore<{ Id: string }>(locator);
      ids.push(...next.records.map((record) => record.Id));
      locator = next.done ? undefined : next.nextRecordsUrl;
    }
    const live = sandbox.records("Account").filter((row) => row["IsDeleted"] !== true);
    expect(first.totalSize).toBe(live.length);
    expect(ids).toEqual(live.map((row) => row.Id).sort());
  });

  it("refreshes by itself on 401 INVALID_SESSION_ID and keeps the refresh token it has when none comes back", async () => {
    const { conn, sandbox } = await connected();
    const refreshToken = conn.refreshToken;
    const refreshed: string[] = [];
    conn.on("refresh", (accessToken: string) => refreshed.push(accessToken));
    sandbox.oauth.expireSessions();
    const result = await conn.query("SELECT Id FROM Contact LIMIT 5");
    expect(result.records).toHaveLength(5);
    expect(refreshed).toHaveLength(1);
    expect(conn.refreshToken).toBe(refreshToken);
    expect(sandbox.stats().unauthorized).toBe(1);
  });

  it("reads Sforce-Limit-Info, and surfaces the 403 REQUEST_LIMIT_EXCEEDED by its errorCode", async () => {
    const { conn, sandbox } = await connected({ apiLimit: { max: 50, used: 10 } });
    await conn.query("SELECT Id FROM Account LIMIT 1");
    expect(conn.limitInfo.apiUsage).toEqual({ used: sandbox.apiUsage().used, limit: 50 });
    sandbox.setApiUsage(50);
    await expect(conn.query("SELECT Id FROM Account LIMIT 1")).rejects.toMatchObject({ errorCode: "REQUEST_LIMIT_EXCEEDED" });
  });

  it("gets MALFORMED_QUERY and INVALID_FIELD as Salesforce names them", async () => {
    const { conn } = await connected();
    await expect(conn.query("SELECT FROM Account")).rejects.toMatchObject({ errorCode: "MALFORMED_QUERY" });
    await expect(conn.query("SELECT Nope__c FROM Account")).rejects.toMatchObject({ errorCode: "INVALID_FIELD" });
  });
});
