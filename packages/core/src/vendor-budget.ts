/**
 * A connector's vendor budget: which vendor account a connection draws on, and the rate window the vendor documents
 * for that account. An app that runs many connections (the worker) makes connections with the same account key, in
 * one tenant, share one budget, kept where every process sees it; the connector's own HTTP pacer still applies on
 * top. The connector knows its vendor's accounts and limits, so it declares them; the app never names a connector.
 */
import { contentHash } from "./content-hash.js";

export interface BudgetWindow {
  requests: number;
  windowMs: number;
}

export interface VendorBudget {
  /**
   * The account a connection draws on, from its stored settings and decrypted credentials, or undefined when they do
   * not say (the connection is then an account of its own). The key must not reveal a secret: where only a secret
   * identifies the account, use `hashedAccountKey`.
   */
  accountKey(input: { settings: Readonly<Record<string, unknown>>; credentials: Readonly<Record<string, string>> }): string | undefined;
  /** The vendor's documented window per account, when the app should hold every connection of it to one. */
  window?: BudgetWindow;
}

/** A non-empty trimmed string, or undefined: for reading account fields out of stored settings and credentials. */
export function accountField(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** `<prefix>:key:<32 hex of sha256(secret)>`, or undefined without a secret: an account named by its key alone. */
export function hashedAccountKey(prefix: string, secret: unknown): string | undefined {
  const value = accountField(secret);
  return value === undefined ? undefined : `${prefix}:key:${contentHash(value).slice(0, 32)}`;
}
