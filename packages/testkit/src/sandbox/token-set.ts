/**
 * The access tokens an OAuth sandbox currently honours. Providers that rotate tokens revoke the old one the moment a
 * new one is issued, and tokens expire; a Bearer guard checks against this live set, so a connector that keeps
 * using a rotated or expired token gets the 401 it would get in production.
 */
import { randomBytes } from "node:crypto";
import { systemClock, type Clock } from "./clock.js";

export interface TokenSetOptions {
  clock?: Clock;
  /** Lifetime of issued tokens; default: no expiry. */
  ttlMs?: number;
  /** Prefix of issued tokens, e.g. `at`. Default `tok`. */
  prefix?: string;
}

export class TokenSet {
  readonly #clock: Clock;
  readonly #ttlMs: number | undefined;
  readonly #prefix: string;
  /** Token -> expiry (ms since epoch; Infinity for none). */
  readonly #live = new Map<string, number>();

  constructor(options: TokenSetOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs;
    this.#prefix = options.prefix ?? "tok";
  }

  /** A new random token, live until its TTL passes or it is revoked. */
  issue(options: { ttlMs?: number } = {}): string {
    const token = `${this.#prefix}_${randomBytes(24).toString("base64url")}`;
    this.add(token, options);
    return token;
  }

  /** Makes a given token live (a fixed token for a demo, or one a test wants to control). */
  add(token: string, options: { ttlMs?: number } = {}): void {
    const ttl = options.ttlMs ?? this.#ttlMs;
    this.#live.set(token, ttl === undefined ? Number.POSITIVE_INFINITY : this.#clock() + ttl);
  }

  has(token: string): boolean {
    const expiresAt = this.#live.get(token);
    if (expiresAt === undefined) return false;
    if (this.#clock() < expiresAt) return true;
    this.#live.delete(token);
    return false;
  }

  /** Seconds until `token` expires (for an `expires_in`), undefined when it is not live or never expires. */
  expiresInSeconds(token: string): number | undefined {
    const expiresAt = this.#live.get(token);
    if (expiresAt === undefined || expiresAt === Number.POSITIVE_INFINITY || !this.has(token)) return undefined;
    return Math.max(0, Math.floor((expiresAt - this.#clock()) / 1000));
  }

  /** Returns whether it was live. */
  revoke(token: string): boolean {
    const wasLive = this.has(token);
    this.#live.delete(token);
    return wasLive;
  }

  revokeAll(): void {
    this.#live.clear();
  }

  /** Revokes `token` and issues its successor; undefined (nothing issued) when `token` was not live. */
  rotate(token: string, options: { ttlMs?: number } = {}): string | undefined {
    return this.revoke(token) ? this.issue(options) : undefined;
  }

  /** Tokens live right now. */
  live(): string[] {
    return [...this.#live.keys()].filter((token) => this.has(token));
  }
}
