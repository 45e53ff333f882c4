/**
 * The request a sandbox route sees: parsed URL, path parameters, capped body readers that validate with zod (outside
 * data enters here), the content faults drawn for it, and headers the guards want on whatever reply it gets.
 */
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { z } from "zod";
import { parseForm, parseJsonText, parseWith, queryObject, readRequestBody } from "./body.js";
import type { ContentFault } from "./faults.js";
import type { PathParams } from "./path-pattern.js";

export interface SandboxRequest {
  /** 1-based; every request the server received counts. */
  readonly n: number;
  readonly method: string;
  readonly url: URL;
  /** The path relative to the server's base path (the full path when outside it). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Captures of the matched route's pattern. */
  readonly params: PathParams;
  /** Clock reading when the request arrived. */
  readonly receivedAt: number;
  /** Content faults drawn for this request (only on routes declaring `contentFaults`). */
  readonly contentFaults: readonly ContentFault[];
  /** Headers added to the reply, whatever it is (guards put rate-limit headers here). Lower-case names. */
  readonly responseHeaders: Record<string, string>;
  /** Aborted when the server closes: pass it to anything a handler waits on. */
  readonly signal: AbortSignal;
  /** A header's first value. */
  header(name: string): string | undefined;
  /** The query validated by `schema` (see `queryObject` for its shape); 400 with the sandbox's error body otherwise. */
  parseQuery<T>(schema: z.ZodType<T>): T;
  /** The raw body, at most the server's `maxBodyBytes` (413 beyond). Read once, then cached. */
  body(): Promise<Buffer>;
  text(): Promise<string>;
  /** The JSON body validated by `schema`; 400 with the sandbox's error body when it is not JSON or not valid. */
  json<T>(schema: z.ZodType<T>): Promise<T>;
  /** A form-encoded body (OAuth token requests) validated by `schema`. */
  form<T>(schema: z.ZodType<T>): Promise<T>;
  /** Adds to one of the sandbox's own counters (reported by `stats()`). */
  count(counter: string, by?: number): void;
}

export interface RequestInit {
  n: number;
  incoming: IncomingMessage;
  url: URL;
  path: string;
  receivedAt: number;
  maxBodyBytes: number;
  signal: AbortSignal;
  count: (counter: string, by: number) => void;
}

/** The server's implementation; routing and fault drawing fill in `params` and `contentFaults` as they happen. */
export class LiveSandboxRequest implements SandboxRequest {
  readonly n: number;
  readonly method: string;
  readonly url: URL;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly receivedAt: number;
  readonly responseHeaders: Record<string, string> = {};
  readonly signal: AbortSignal;
  params: PathParams = {};
  contentFaults: readonly ContentFault[] = [];
  readonly #init: RequestInit;
  #body: Promise<Buffer> | undefined;

  constructor(init: RequestInit) {
    this.#init = init;
    this.n = init.n;
    this.method = (init.incoming.method ?? "GET").toUpperCase();
    this.url = init.url;
    this.path = init.path;
    this.query = init.url.searchParams;
    this.headers = init.incoming.headers;
    this.receivedAt = init.receivedAt;
    this.signal = init.signal;
  }

  header(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  parseQuery<T>(schema: z.ZodType<T>): T {
    return parseWith(schema, queryObject(this.query), "query");
  }

  body(): Promise<Buffer> {
    this.#body ??= readRequestBody(this.#init.incoming, this.#init.maxBodyBytes);
    return this.#body;
  }

  async text(): Promise<string> {
    return (await this.body()).toString("utf8");
  }

  async json<T>(schema: z.ZodType<T>): Promise<T> {
    return parseWith(schema, parseJsonText(await this.text()), "request body");
  }

  async form<T>(schema: z.ZodType<T>): Promise<T> {
    return parseWith(schema, parseForm(await this.text()), "form body");
  }

  count(counter: string, by = 1): void {
    this.#init.count(counter, by);
  }
}
