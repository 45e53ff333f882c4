/**
 * `pnpm web`: builds the app and starts it on loopback, the embedded default: PGlite in `.data/pglite` at the repo
 * root (the worker demo's folder and key), the in-process runner inside the same Next.js process, and every
 * connector pointed at its loopback sandbox. One process only: PGlite admits one.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HELP = `Usage: pnpm web [-- --port <n>] [--host <addr>] [--no-build]

Builds apps/web (next build --webpack) and starts it (next start) with the embedded default:
PGlite in .data/pglite at the repo root, the in-process sync runner in the same process, every
connector pointed at its loopback sandbox, and the development sign-in. Open the printed URL,
sign in with any workspace name, connect Salesforce (sandbox consent page) or Fathom (the sandbox
key is shown under the field), press "Sync now" and see the records.

Options:
  --port <n>     port to listen on (default 3000, or PORT)
  --host <addr>  address to bind (default 127.0.0.1)
  --no-build     start the existing build (.next) without building again
  -h, --help     this text

Environment (all optional here; see apps/web/README.md): APP_BASE_URL (default http://<host>:<port>),
GTM_DATA_DIR, CONNECTOR_ENCRYPTION_KEY, DATABASE_URL (then web and worker run as separate processes),
TEMPORAL_ADDRESS (sync now starts a Temporal workflow).`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    "no-build": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const appDir = fileURLToPath(new URL("..", import.meta.url));
const port = values.port ?? process.env["PORT"] ?? "3000";
if (!/^\d{1,5}$/.test(port)) {
  console.error(`--port must be a number, got ${JSON.stringify(port)}`);
  process.exit(2);
}
const env = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  APP_BASE_URL: process.env["APP_BASE_URL"] ?? `http://${values.host}:${port}`,
};

function run(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("pnpm", ["exec", "next", ...args], { cwd: appDir, env, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal === null ? 1 : 0));
    });
  });
}

if (!values["no-build"]) {
  console.log("web: building (next build --webpack; a minute or two on a small machine)...");
  const built = await run(["build", "--webpack"]);
  if (built !== 0) process.exit(built);
}
console.log(`web: starting on ${env.APP_BASE_URL}: sign in there (Ctrl-C stops it)`);
process.exit(await run(["start", "-H", values.host, "-p", port]));
