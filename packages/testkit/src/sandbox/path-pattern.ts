/**
 * Path patterns for routes and fault matchers: literal segments, `:name` for one segment, and a trailing `*` for the
 * rest of the path (`/recordings/:id/transcript`, `/services/data/:version/query`, `/files/*`). Deliberately tiny:
 * sandboxes mimic a handful of endpoints, and a pattern either matches a whole path or not.
 */

export type PathParams = Readonly<Record<string, string>>;

export interface PathPattern {
  readonly source: string;
  /** The captured parameters, or undefined when the path does not match. */
  match(path: string): PathParams | undefined;
}

function segments(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

export function compilePathPattern(source: string): PathPattern {
  if (!source.startsWith("/")) throw new Error(`a path pattern starts with "/": ${source}`);
  const parts = segments(source);
  const star = parts.at(-1) === "*";
  const fixed = star ? parts.slice(0, -1) : parts;
  if (fixed.includes("*")) throw new Error(`"*" may only end a path pattern: ${source}`);
  return {
    source,
    match(path) {
      const actual = segments(path);
      if (star ? actual.length < fixed.length : actual.length !== fixed.length) return undefined;
      const params: Record<string, string> = {};
      for (const [index, part] of fixed.entries()) {
        const value = actual[index] ?? "";
        if (part.startsWith(":")) {
          try {
            params[part.slice(1)] = decodeURIComponent(value);
          } catch {
            return undefined; // a malformed escape names no resource
          }
        } else if (part !== value) {
          return undefined;
        }
      }
      if (star) params["*"] = actual.slice(fixed.length).join("/");
      return params;
    },
  };
}
