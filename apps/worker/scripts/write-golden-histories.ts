/**
 * Seeds test/histories/*.json from the hand-built scenarios. Golden histories guard the workflow code: once
 * committed they are replayed on every test run, so an existing file is never overwritten (pass --force after a
 * deliberate, versioned workflow change). Real histories exported from a Temporal server belong there too:
 * `temporal workflow show -w <id> --output json > test/histories/<name>.json`.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { scenarios } from "../test/temporal/scenarios.js";

const HELP = `Usage: pnpm --filter @gtm-clarity/worker histories:write [-- --force]

Seeds test/histories/*.json from the hand-built scenarios in test/temporal/scenarios.ts. An existing file is kept
unless --force is given (only after a deliberate, versioned workflow change: the files are golden).
`;

// `pnpm histories:write -- --force` hands the "--" through; drop it so --force still parses as an option.
let force = false;
try {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: { force: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  force = values.force === true;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
  process.exit(2);
}

const dir = fileURLToPath(new URL("../test/histories/", import.meta.url));
await mkdir(dir, { recursive: true });
for (const scenario of scenarios()) {
  const file = `${dir}${scenario.name}.json`;
  if (existsSync(file) && !force) {
    console.log(`kept     ${file}`);
    continue;
  }
  const body = { workflowId: scenario.workflowId, description: scenario.description, ...scenario.history };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  console.log(`written  ${file}`);
}
