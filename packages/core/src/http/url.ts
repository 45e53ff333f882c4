/** Where a request goes, and how it is named in errors and logs (never with query values, which may be secrets). */
import { ConfigError } from "../errors.js";
import type { SearchParamValue } from "./types.js";

export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError("HTTP client baseUrl is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`HTTP client baseUrl must be http(s), got ${url.protocol}`);
  }
  url.search = "";
  url.hash = "";
  return url;
}

/**
 * Resolves `path` against `base`:
 * - a full http(s) URL (Graph `@odata.nextLink`) is used as is, but only on the base's origin, so credentials in
 *   the client's headers never travel to a host the connector was not configured for;
 * - a path that already starts with the base's own path (Salesforce `nextRecordsUrl`, "/services/data/v62.0/query/…"
 *   against "https://x.my.salesforce.com/services/data/v62.0") is taken relative to the origin;
 * - anything else is appended to the base's path, like ky's `prefixUrl` ("meetings" and "/meetings" both give
 *   "https://api.fathom.ai/external/v1/meetings").
 */
export function resolveUrl(base: URL, path: string, searchParams?: Record<string, SearchParamValue>): URL {
  let url: URL;
  if (/^https?:\/\//i.test(path)) {
    url = new URL(path);
    if (url.origin !== base.origin) {
      throw new ConfigError(`Refusing to send a request for ${base.origin} to another origin (${url.origin})`);
    }
  } else {
    const basePath = base.pathname.replace(/\/+$/, "");
    const underBase =
      basePath !== "" && (path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`));
    url = underBase ? new URL(path, base.origin) : new URL(`${base.origin}${basePath}/${path.replace(/^\/+/, "")}`);
  }
  for (const [key, value] of Object.entries(searchParams ?? {})) {
    if (value === undefined) continue;
    if (typeof value === "object") {
      for (const item of value) url.searchParams.append(key, String(item));
    } else {
      url.searchParams.append(key, String(value));
    }
  }
  return url;
}
