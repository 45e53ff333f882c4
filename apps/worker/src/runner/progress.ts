/**
 * Live sync progress on stderr: records, pages and rate, overall and per connection. On a TTY it is one line
 * redrawn in place; otherwise (CI, a log file) a plain line every few seconds, so logs stay readable.
 */

export type ConnectionState = "queued" | "syncing" | "retrying" | "done" | "failed" | "cancelled" | "stopping";

export interface ConnectionProgress {
  label: string;
  state: ConnectionState;
  pages: number;
  records: number;
  quarantined: number;
  documents: number;
  startedAt: number;
}

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force TTY or plain-line mode (tests). */
  tty?: boolean;
  /** Redraw (TTY) or print (plain) interval. Default 100 ms on a TTY, 5 s otherwise. */
  intervalMs?: number;
  now?: () => number;
  /** Print nothing at all (e.g. --quiet, or the benchmark). */
  silent?: boolean;
}

export function formatRate(records: number, ms: number): string {
  if (ms <= 0) return "0/s";
  const rate = (records * 1000) / ms;
  return rate >= 10_000 ? `${(rate / 1000).toFixed(1)}k/s` : `${Math.round(rate)}/s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export class ProgressDisplay {
  readonly #connections = new Map<string, ConnectionProgress>();
  readonly #stream: NonNullable<ProgressOptions["stream"]>;
  readonly #tty: boolean;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #silent: boolean;
  #startedAt: number;
  #timer: NodeJS.Timeout | undefined;
  #lastLength = 0;
  #notice: string | undefined;

  constructor(options: ProgressOptions = {}) {
    this.#stream = options.stream ?? process.stderr;
    this.#tty = options.tty ?? this.#stream.isTTY === true;
    this.#intervalMs = options.intervalMs ?? (this.#tty ? 100 : 5000);
    this.#now = options.now ?? Date.now;
    this.#silent = options.silent ?? false;
    this.#startedAt = this.#now();
  }

  get isTTY(): boolean {
    return this.#tty;
  }

  /** Forgets previous connections and restarts the clock (one display can show several passes). */
  reset(): void {
    this.#connections.clear();
    this.#startedAt = this.#now();
    this.#notice = undefined;
  }

  start(): void {
    if (this.#silent || this.#timer) return;
    this.#timer = setInterval(() => this.render(), this.#intervalMs);
    this.#timer.unref();
  }

  /** Adds or changes one connection's progress. */
  update(key: string, patch: Partial<ConnectionProgress> & { label?: string }): void {
    const current = this.#connections.get(key) ?? {
      label: patch.label ?? key,
      state: "queued",
      pages: 0,
      records: 0,
      quarantined: 0,
      documents: 0,
      startedAt: this.#now(),
    };
    this.#connections.set(key, { ...current, ...patch });
  }

  get(key: string): ConnectionProgress | undefined {
    return this.#connections.get(key);
  }

  /** A short status shown with the progress (e.g. "stopping after the current page"). */
  notice(text: string | undefined): void {
    this.#notice = text;
    this.render();
  }

  /** The progress line: totals, rate, then each active connection. */
  line(): string {
    const all = [...this.#connections.values()];
    const records = all.reduce((sum, c) => sum + c.records, 0);
    const pages = all.reduce((sum, c) => sum + c.pages, 0);
    const quarantined = all.reduce((sum, c) => sum + c.quarantined, 0);
    const elapsed = this.#now() - this.#startedAt;
    const done = all.filter((c) => c.state === "done").length;
    const parts = [
      `${formatCount(records)} records`,
      `${formatCount(pages)} pages`,
      formatRate(records, elapsed),
      ...(quarantined > 0 ? [`${formatCount(quarantined)} quarantined`] : []),
      `${done}/${all.length} connections done`,
      `${(elapsed / 1000).toFixed(1)}s`,
    ];
    const active = all
      .filter((c) => c.state !== "done" && c.state !== "queued")
      .map((c) => `${c.label}: ${c.state} p${c.pages} ${formatCount(c.records)}`);
    return [`sync ${parts.join(" · ")}`, ...active, ...(this.#notice ? [this.#notice] : [])].join(" | ");
  }

  render(): void {
    if (this.#silent) return;
    let text = this.line();
    if (this.#tty) {
      const width = Math.max(20, (this.#stream.columns ?? 120) - 1);
      if (text.length > width) text = `${text.slice(0, width - 1)}…`;
      const pad = this.#lastLength > text.length ? " ".repeat(this.#lastLength - text.length) : "";
      this.#stream.write(`\r${text}${pad}`);
      this.#lastLength = text.length;
    } else {
      this.#stream.write(`${text}\n`);
    }
  }

  /** Prints a message without garbling the TTY line. */
  log(message: string): void {
    if (this.#silent) return;
    if (this.#tty && this.#lastLength > 0) {
      this.#stream.write(`\r${" ".repeat(this.#lastLength)}\r`);
      this.#lastLength = 0;
    }
    this.#stream.write(`${message}\n`);
  }

  /** Final render, then leaves the cursor on a fresh line. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#silent) return;
    this.render();
    if (this.#tty) this.#stream.write("\n");
    this.#lastLength = 0;
  }
}
