/**
 * Prebuilds the workflow bundle for production (`worker start` loads it instead of bundling at boot).
 * Usage: tsx scripts/build-workflow-bundle.ts [outFile]   (default: dist/workflow-bundle.js; --help for more)
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundleWorkflowCode } from "@temporalio/worker";
import { DEFAULT_WORKFLOW_BUNDLE_PATH } from "../src/temporal/worker-options.js";

const HELP = `Usage: pnpm --filter @gtm-clarity/worker build:workflows [-- outFile]

Bundles src/temporal/workflows.ts for production; \`worker start\` loads the bundle instead of bundling at boot.
outFile defaults to ${DEFAULT_WORKFLOW_BUNDLE_PATH} (WORKFLOW_BUNDLE_PATH points the worker elsewhere).
`;

// `pnpm build:workflows -- out.js` hands the "--" through; drop it so it is not taken for the file name.
const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { help: { type: "boolean", short: "h" } },
  allowPositionals: true,
});
if (values.help || positionals.length > 1) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}

const workflowsPath = fileURLToPath(new URL("../src/temporal/workflows.ts", import.meta.url));
const outFile = resolve(positionals[0] ?? DEFAULT_WORKFLOW_BUNDLE_PATH);

const started = performance.now();
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, code);
console.log(
  `workflow bundle: ${outFile} (${(code.length / 1024 / 1024).toFixed(2)} MiB, ${Math.round(performance.now() - started)} ms)`,
);
