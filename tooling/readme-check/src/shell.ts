/**
 * Runs a command line through `sh -c`, the way a reader pastes it into a terminal, and keeps its output (stdout and
 * stderr interleaved). Prompts can be answered: each `answers` entry is written once, when its pattern first shows.
 */
import { execFileSync, spawn } from "node:child_process";

export interface Answer {
  prompt: RegExp;
  keys: string;
}

export interface ShellOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  answers?: readonly Answer[];
}

export interface ShellResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  seconds: number;
  timedOut: boolean;
}

// Terminal control sequences (colours, cursor moves) that prompt libraries print even into a pipe.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

export function runShell(command: string, options: ShellOptions): Promise<ShellResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.answers ? "pipe" : "ignore", "pipe", "pipe"],
      detached: true, // its own process group, so a timeout ends everything it started
    });
    let output = "";
    let timedOut = false;
    const pending = [...(options.answers ?? [])];
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const plain = stripAnsi(output);
      for (const answer of [...pending]) {
        if (!answer.prompt.test(plain)) continue;
        pending.splice(pending.indexOf(answer), 1);
        // A short pause: the prompt has printed its question but may not be listening for keys yet.
        setTimeout(() => child.stdin?.write(answer.keys), 300);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid === undefined) return;
      output += processStates(child.pid);
      process.kill(-child.pid, "SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, output, seconds: (performance.now() - started) / 1000, timedOut });
    });
  });
}

/**
 * What every process the command started was doing when it timed out (state, kernel wait channel, CPU time): tells
 * a command stuck on I/O or a lock from one that was busy or merely slow.
 */
function processStates(group: number): string {
  try {
    const table = execFileSync("ps", ["-o", "pid,ppid,stat,wchan:24,etime,time,args", "-s", String(group)], { encoding: "utf8", timeout: 5000 });
    return `\n--- timed out; its processes then:\n${table}`;
  } catch (error) {
    return `\n--- timed out; ps failed: ${error instanceof Error ? error.message : String(error)}\n`;
  }
}

/** What a failed command's error should show: how it ended and the end of its output. */
export function describeFailure(result: ShellResult): string {
  const how = result.timedOut
    ? `timed out after ${result.seconds.toFixed(0)} s`
    : result.signal
      ? `killed by ${result.signal}`
      : `exit code ${String(result.code)}`;
  return `\`${result.command}\` failed (${how}):\n${stripAnsi(result.output).slice(-6000)}`;
}
