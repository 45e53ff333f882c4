/**
 * Prebuilds the workflow bundle for production (`worker start` loads it instead of bundling at boot).
 * Usage: tsx scripts/build-workflow-bundle.ts [outFile]   (default: dist/workflow-bundle.js)
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorkflowCode } from "@temporalio/worker";
import { DEFAULT_WORKFLOW_BUNDLE_PATH } from "../src/temporal/worker-options.js";

const workflowsPath = fileURLToPath(new URL("../src/temporal/workflows.ts", import.meta.url));
const outFile = resolve(process.argv[2] ?? DEFAULT_WORKFLOW_BUNDLE_PATH);

const started = performance.now();
const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir(dirname(outFile), { recursive: true });
await writeFile(outFile, code);
console.log(
  `workflow bundle: ${outFile} (${(code.length / 1024 / 1024).toFixed(2)} MiB, ${Math.round(performance.now() - started)} ms)`,
);
