// Sums the JSON reports that vitest writes under CI (packages/*/test-results/vitest.json, apps/*/..., tooling/*/...)
// and prints the closing line CI reads: "<label>: N passed, N failed, N skipped". Exits 1 if nothing ran or anything failed.
import { readFileSync, readdirSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";

const label = process.argv[2] ?? "tests";
let passed = 0, failed = 0, skipped = 0, files = 0;
for (const group of ["packages", "apps", "tooling"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, "test-results", "vitest.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    files += 1;
    rmSync(file); // the next run (another Node version) must write its own
  }
}
console.log(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (files === 0 || passed === 0 || failed > 0) process.exit(1);
