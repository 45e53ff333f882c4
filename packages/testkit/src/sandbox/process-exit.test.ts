/**
 * A closed sandbox leaves nothing behind that keeps a process alive: this runs a server in a child process with a
 * keep-alive connection, a request stuck in a minute of latency and one trickling its body, closes it, and requires
 * the child to exit by itself (it never calls process.exit) well before any of those would have finished.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const kit = new URL("./index.ts", import.meta.url).href;

const child = `
import { json, route, startSandboxServer } from ${JSON.stringify(kit)};
const server = await startSandboxServer({
  routes: [
    route("GET", "/ok", () => json(200, { ok: true })),
    route("GET", "/hang", () => json(200, { ok: true })),
    route("GET", "/slow", () => json(200, { text: "x".repeat(200) })),
  ],
});
server.faults.always({ kind: "latency", ms: 60000 }, { path: "/hang" });
server.faults.always({ kind: "trickle", intervalMs: 1000 }, { path: "/slow" });
await (await fetch(server.url + "/ok")).json();
const pending = [
  fetch(server.url + "/hang").then((r) => r.text()).catch(() => "cut"),
  fetch(server.url + "/slow").then((r) => r.text()).catch(() => "cut"),
];
await new Promise((resolve) => setTimeout(resolve, 200));
await server.close();
console.log(JSON.stringify(await Promise.all(pending)));
`;

/** Runs the child; `afterOutputMs` is how long it lived after printing its result (after the close). */
function run(code: string): Promise<{ code: number | null; stdout: string; stderr: string; afterOutputMs: number }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ["--import", tsx, "--input-type=module", "-e", code], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let printedAt: number | undefined;
    proc.stdout.on("data", (chunk: Buffer) => {
      printedAt ??= Date.now();
      stdout += chunk.toString();
    });
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => proc.kill("SIGKILL"), 100_000);
    proc.once("close", (exitCode) => {
      clearTimeout(killer);
      resolve({ code: exitCode, stdout, stderr, afterOutputMs: Date.now() - (printedAt ?? Date.now()) });
    });
  });
}

describe("closing a sandbox server", () => {
  it("lets the process exit by itself, with requests still in flight", async () => {
    const result = await run(child);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["cut", "cut"]);
    // Timed from the child's last word, so a slow start on a busy machine does not count: a handle left open
    // would keep it alive for the rest of the minute of latency, or the 200 seconds of trickle.
    expect(result.afterOutputMs).toBeLessThan(10_000);
  }, 300_000);
});
