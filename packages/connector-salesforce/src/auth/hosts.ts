/**
 * Where secrets may go. The client secret goes to a login host and the access token to an instance URL; both come
 * from outside (a connection's settings, Salesforce's token response), so both are checked: https on a Salesforce
 * domain, an origin the deployment allows explicitly, or plain http on loopback (the sandbox).
 */
import { ConfigError } from "@gtm-clarity/core";

/** Domains Salesforce serves logins, My Domains and instances from. */
const SALESFORCE_DOMAINS = ["salesforce.com", "force.com", "cloudforce.com", "salesforce.mil", "sfcrmproducts.cn"];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Env: comma-separated extra origins (e.g. a proxy in front of Salesforce), exact `scheme://host[:port]`. */
export const SALESFORCE_ALLOWED_ORIGINS_ENV = "SALESFORCE_ALLOWED_ORIGINS";

export function allowedOrigins(extra: readonly string[] = []): string[] {
  const fromEnv = (process.env[SALESFORCE_ALLOWED_ORIGINS_ENV] ?? "").split(",").map((origin) => origin.trim());
  return [...extra, ...fromEnv].filter((origin) => origin !== "");
}

/** The URL's origin when it may receive Salesforce secrets; otherwise a ConfigError naming what is wrong. */
export function trustedOrigin(value: string, what: string, extra: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`Salesforce ${what} is not a URL`);
  }
  const host = url.hostname.toLowerCase();
  const onSalesforce = SALESFORCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
  if (url.protocol === "https:" && onSalesforce) return url.origin;
  if ((url.protocol === "http:" || url.protocol === "https:") && LOOPBACK.has(host)) return url.origin;
  if (allowedOrigins(extra).includes(url.origin)) return url.origin;
  throw new ConfigError(
    `Salesforce ${what} ${url.origin} is not a Salesforce host (https on salesforce.com or force.com), ` +
      `loopback, or an origin allowed in ${SALESFORCE_ALLOWED_ORIGINS_ENV}`,
  );
}
