/**
 * The whole app in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against `next build` +
 * `next start` on loopback, in the embedded default (PGlite in a temporary folder, the in-process runner, sandboxes):
 * sign in, connect Salesforce through its sandbox consent page, connect Fathom with a key, sync now, see the counts,
 * open the quarantine, open an account page, disconnect. Screenshots land in artifacts/ (gitignored).
 *
 * Chromium resolves no names: every host maps to NOTFOUND except loopback, so nothing leaves the machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SKIP_REASON = existsSync(CHROMIUM)
  ? process.env["WEB_E2E"] === "0"
    ? "WEB_E2E=0 was set"
    : undefined
  : `no Chromium at ${CHROMIUM} (install Debian's chromium, as .ci/run does, or set CHROMIUM_PATH)`;
if (SKIP_REASON !== undefined) console.warn(`[apps/web e2e] skipped: ${SKIP_REASON}`);

const appDir = fileURLToPath(new URL("..", import.meta.url));
const artifacts = join(appDir, "artifacts");
const nextBin = join(appDir, "node_modules", "next", "dist", "bin", "next");
const MINUTES = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

class NextCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`next ${args[0] ?? ""} failed (${String(code)}):\n${output.slice(-4000)}`);
    this.name = "NextCommandError";
  }
}

function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, ...args], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new NextCommandError(args, code, output))));
  });
}

/**
 * `next build`, waiting out another build of this app (Next holds .next/lock while it builds). In the repo's test
 * command turbo may build the app for another task at the same time as this test runs; both write .next.
 */
async function build(env: NodeJS.ProcessEnv, deadline: number): Promise<void> {
  for (;;) {
    try {
      await runToEnd(["build", "--webpack"], env);
      return;
    } catch (error) {
      const busy = error instanceof NextCommandError && error.output.includes("Another next build process is already running");
      if (!busy || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/**
 * The key Next encrypts Server Action closures with. `next build` keeps one in .next/cache for 14 days, except where
 * it believes the machine is a container (as here): then it draws a new one per build, and since the key is part of
 * webpack's cache version, every build missed the cache and compiled everything again. Keeping a random key beside
 * that cache, as Next does outside containers, lets a rebuild reuse what did not change; webpack still checks each
 * input file. `next start` gets the same key.
 */
function serverActionsKey(): string {
  const file = join(appDir, ".next", "cache", "e2e-server-actions.key");
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (/^[A-Za-z0-9+/]{43}=$/.test(saved)) return saved;
  }
  const key = randomBytes(32).toString("base64");
  mkdirSync(join(appDir, ".next", "cache"), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

async function waitForServer(url: string, server: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited with ${server.exitCode}`);
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer in time`);
}

describe.skipIf(SKIP_REASON !== undefined)("apps/web in Chromium", () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let base = "";
  let dataDir = "";
  let serverLog = "";

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), "web-e2e-"));
    const env = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      APP_BASE_URL: base,
      GTM_DATA_DIR: join(dataDir, "pglite"),
      CONNECTOR_ENCRYPTION_KEY: "5".repeat(64),
      DATABASE_URL: "",
      TEMPORAL_ADDRESS: "",
      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: serverActionsKey(),
    };
    // WEB_E2E_REUSE_BUILD=1 (local iterations only) starts the existing .next build instead of building again.
    if (process.env["WEB_E2E_REUSE_BUILD"] !== "1" || !existsSync(join(appDir, ".next", "BUILD_ID"))) {
      await build(env, Date.now() + 8 * MINUTES);
    }
    server = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    server.stderr?.on("data", (chunk: Buffer) => (serverLog += chunk.toString()));
    await waitForServer(`${base}/sign-in`, server, Date.now() + 2 * MINUTES);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
      ],
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(60_000);
    mkdirSync(artifacts, { recursive: true });
  }, 15 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid !== undefined && server.exitCode === null) server.kill("SIGTERM");
    if (dataDir !== "") rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Reloads the connection page until its last run has finished. The page does not refresh itself, so this asks
   * again; the first look is immediate and the pause between looks short (a sandbox sync takes about a second).
   */
  async function syncAndWait(): Promise<void> {
    await page.getByRole("button", { name: "Sync now" }).click();
    await page.getByRole("status").filter({ hasText: /Sync started|already running/ }).waitFor();
    const deadline = Date.now() + 2 * MINUTES;
    for (;;) {
      const text = await page.locator("main").innerText();
      if (/Last run: succeeded/.test(text) && !text.includes("(syncing now)")) return;
      if (/Last run: failed/.test(text)) throw new Error(`the sync failed:\n${text}`);
      if (Date.now() > deadline) throw new Error(`the sync did not finish in two minutes:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      await page.reload();
    }
  }

  async function recordCount(label: string): Promise<number> {
    const cell = page.getByRole("table", { name: "Records" }).getByRole("row", { name: new RegExp(`^${label}`) }).getByRole("cell");
    return Number((await cell.innerText()).replace(/\D/g, ""));
  }

  it("signs in, connects Salesforce and Fathom, syncs, shows counts, quarantine and an account, disconnects", async () => {
    try {
      await page.goto(`${base}/connections`);
      await page.getByRole("heading", { name: "Development sign-in" }).waitFor();
      await page.getByLabel("Workspace").fill(`e2e-${Date.now().toString(36)}`);
      await page.getByLabel("User").fill("e2e@example.com");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Connections", exact: true }).waitFor();

      // Salesforce: our authorize route, the sandbox's consent page (Allow) when it shows one, our callback.
      await page.getByRole("button", { name: "Connect Salesforce" }).click();
      await page.waitForURL((url) => url.origin !== base || url.pathname.startsWith("/connections/"));
      if (!page.url().startsWith(base)) await page.getByRole("button", { name: "Allow" }).click();
      await page.waitForURL(new RegExp(`^${base}/connections/[0-9a-f-]{36}\\?notice=connected`));
      await page.getByRole("status").filter({ hasText: "Connected." }).waitFor();
      await syncAndWait();
      expect(await recordCount("Accounts")).toBeGreaterThan(0);

      // Fathom with a key (the sandbox's, shown under the field in the embedded default).
      await page.goto(`${base}/connections`);
      const fathom = page.getByRole("article", { name: "Connect Fathom" });
      const key = (await fathom.locator("code").innerText()).trim();
      await fathom.getByLabel("Fathom API key").fill(key);
      await fathom.getByRole("button", { name: "Connect Fathom" }).click();
      await page.waitForURL(new RegExp(`^${base}/connections/[0-9a-f-]{36}\\?notice=connected`));
      await syncAndWait();
      expect(await recordCount("Activities")).toBeGreaterThan(0);
      expect(await recordCount("People")).toBeGreaterThan(0);
      const fathomPage = page.url();

      await page.goto(`${base}/connections`);
      const rows = page.getByRole("table", { name: "Connections of this workspace" }).getByRole("row");
      expect(await rows.filter({ hasText: "Salesforce" }).count()).toBe(1);
      expect(await rows.filter({ hasText: "Fathom" }).count()).toBe(1);
      await page.screenshot({ path: join(artifacts, "e2e-connections.png"), fullPage: true });

      await page.goto(fathomPage);
      await page.getByRole("link", { name: /quarantined$/ }).click();
      await page.getByRole("heading", { name: "Quarantine of Fathom" }).waitFor();

      await page.goto(`${base}/accounts`);
      await page.getByRole("table", { name: /Accounts across every connection/ }).getByRole("link").first().click();
      await page.getByRole("heading", { name: "Buying group" }).waitFor();
      await page.getByRole("heading", { name: "Timeline" }).waitFor();
      await page.screenshot({ path: join(artifacts, "e2e-account.png"), fullPage: true });

      await page.goto(fathomPage);
      await page.getByRole("button", { name: "Disconnect Fathom" }).click();
      await page.getByRole("status").filter({ hasText: /^Disconnected/ }).waitFor();
      expect(await rows.filter({ hasText: "Fathom" }).count()).toBe(0);
      await page.screenshot({ path: join(artifacts, "e2e-final.png"), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: join(artifacts, "e2e-failure.png"), fullPage: true }).catch(() => undefined);
      throw new Error(`${String(error)}\n--- next start output ---\n${serverLog.slice(-4000)}`);
    }
  }, 10 * MINUTES);
});

if (SKIP_REASON !== undefined) {
  describe("apps/web in Chromium (skipped)", () => {
    it.skip(`skipped: ${SKIP_REASON}`, () => undefined);
  });
}
