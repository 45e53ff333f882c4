/**
 * The sandbox's authorize page in a real browser (Debian Chromium driven by playwright-core, no download): a person
 * clicks Allow or Deny by the buttons' accessible names, and the browser lands on the redirect URI with a code and the
 * state, or with error=access_denied; the code then goes through the connector's exchange. Skipped, with the reason
 * printed, where no Chromium is installed.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createOAuthBinding } from "@gtm-clarity/core";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BINDING, start } from "./support.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) console.warn(`skipping the browser test: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

describe.skipIf(!available)("the authorize page in Chromium", { timeout: 60_000 }, () => {
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        // Loopback only: no DNS lookups leave the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
      ],
    });
    callback = createServer((_req, res) => res.end("back in the app"));
    await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/api/oauth/salesforce/callback`;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
  });

  async function authorizeIn(decision: "Allow" | "Deny") {
    const started = await start();
    const binding = createOAuthBinding();
    const authorization = await started.connector.oauth.authorizationUrl(
      { ...BINDING, redirectUri: callbackUrl, sessionBinding: binding.cookieValue },
      { settings: started.settings },
    );
    const page = await browser.newPage();
    try {
      await page.goto(authorization.url);
      await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.getByRole("button", { name: decision }).click()]);
      return { ...started, binding, authorization, landed: new URL(page.url()) };
    } finally {
      await page.close();
    }
  }

  it("Allow lands on the redirect URI with a code and the state, and the code exchanges", async () => {
    const { landed, authorization, connector, binding, settings, sandbox } = await authorizeIn("Allow");
    expect(landed.searchParams.get("state")).toBe(authorization.state);
    const tokens = await connector.oauth.exchangeCode(
      {
        code: landed.searchParams.get("code") ?? "",
        state: authorization.state,
        codeVerifier: authorization.codeVerifier,
        redirectUri: callbackUrl,
        sessionBinding: binding.cookieValue,
        tenantId: BINDING.tenantId,
      },
      { settings },
    );
    expect(tokens.credentials["organizationId"]).toBe(sandbox.oauth.organizationId);
  });

  it("Deny lands on the redirect URI with error=access_denied and no code", async () => {
    const { landed, authorization } = await authorizeIn("Deny");
    expect(landed.searchParams.get("error")).toBe("access_denied");
    expect(landed.searchParams.get("code")).toBeNull();
    expect(landed.searchParams.get("state")).toBe(authorization.state);
  });
});
