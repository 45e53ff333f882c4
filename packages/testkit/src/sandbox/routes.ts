/**
 * The route table: method + path pattern -> handler. A path that matches under another method is a 405 with an
 * `Allow` header, as real APIs answer, rather than a 404.
 */
import { compilePathPattern, type PathParams, type PathPattern } from "./path-pattern.js";
import type { Reply } from "./reply.js";
import type { SandboxRequest } from "./request.js";

export type RouteHandler = (req: SandboxRequest) => Reply | Promise<Reply>;

export interface Route {
  readonly method: string;
  /** Relative to the server's `basePath`. */
  readonly path: string;
  readonly handler: RouteHandler;
  /** Skips the server's guards (credential checks, rate limits): token endpoints, health pings. */
  readonly public?: boolean;
  /**
   * The handler applies content faults (malformed item or page, repeating cursor) found in `req.contentFaults`.
   * Only such routes consume them, so a content fault is never used up by a request that would ignore it.
   */
  readonly contentFaults?: boolean;
}

export function route(
  method: string,
  path: string,
  handler: RouteHandler,
  options: Pick<Route, "public" | "contentFaults"> = {},
): Route {
  return { method: method.toUpperCase(), path, handler, ...options };
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: PathParams }
  | { readonly kind: "wrong-method"; readonly allowed: readonly string[] }
  | { readonly kind: "not-found" };

export class RouteTable {
  readonly #routes: readonly { route: Route; pattern: PathPattern }[];

  constructor(routes: readonly Route[]) {
    const seen = new Set<string>();
    this.#routes = routes.map((entry) => {
      const method = entry.method.toUpperCase();
      const key = `${method} ${entry.path}`;
      if (seen.has(key)) throw new Error(`route declared twice: ${key}`);
      seen.add(key);
      return { route: { ...entry, method }, pattern: compilePathPattern(entry.path) };
    });
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const { route: candidate, pattern } of this.#routes) {
      const params = pattern.match(path);
      if (params === undefined) continue;
      if (candidate.method === method.toUpperCase()) return { kind: "found", route: candidate, params };
      allowed.push(candidate.method);
    }
    return allowed.length > 0 ? { kind: "wrong-method", allowed } : { kind: "not-found" };
  }
}
