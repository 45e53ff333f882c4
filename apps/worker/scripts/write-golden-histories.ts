/**
 * Seeds test/histories/*.json from the hand-built scenarios. Golden histories guard the workflow code: once
 * committed they are replayed on every test run, so an existing file is never overwritten (pass --force after a
 * deliberate, versioned workflow change). Real histories exported from a Temporal server belong there too:
 * `temporal workflow show -w <id> --output json > test/histories/<name>.json`.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { scenarios } from "../test/temporal/scenarios.js";

const dir = fileURLToPath(new URL("../test/histories/", import.meta.url));
const force = process.argv.includes("--force");
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
