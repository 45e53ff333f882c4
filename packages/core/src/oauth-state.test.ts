import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isConfigError, isSignatureError } from "./errors.js";
import { createMemoryNonceStore, createOAuthState, verifyOAuthState, type NonceStore } from "./oauth-state.js";

const secret = "an-oauth-state-secret-of-32-bytes!!";
const otherSecret = "another-oauth-state-secret-32-bytes";
const now = new Date("2024-05-01T12:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

function issue(extra?: Record<string, string>) {
  return createOAuthState({ tenantId: "tenant-1", connectionId: "conn-1", secret, now, ...(extra ? { extra } : {}) });
}

async function rejection(promise: Promise<unknown>): Promise<{ message: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    expect(isSignatureError(error)).toBe(true);
    return error as { message: string; details: Record<string, unknown> };
  }
  throw new Error("expected verifyOAuthState to reject");
}

function flipChar(text: string, index: number): string {
  const char = text[index];
  return text.slice(0, index) + (char === "A" ? "B" : "A") + text.slice(index + 1);
}

describe("verifyOAuthState: rejections", () => {
  it("rejects a tampered payload (tenant swapped, signature kept)", async () => {
    const { state } = issue();
    const [payload, signature] = state.split(".") as [string, string];
    const json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...json, tenantId: "tenant-2" })).toString("base64url");
    const error = await rejection(verifyOAuthState(`${swapped}.${signature}`, { secret, nonceStore: createMemoryNonceStore(), now }));
    expect(error.details["reason"]).toBe("bad_signature");
  });

  it("rejects a changed character anywhere in the payload or the signature", async () => {
    const { state } = issue();
    const store = createMemoryNonceStore();
    for (let index = 0; index < state.length; index += 1) {
      if (state[index] === ".") continue;
      await rejection(verifyOAuthState(flipChar(state, index), { secret, nonceStore: store, now }));
    }
    // None of the tampered attempts consumed the nonce: the genuine state still works once.
    await expect(verifyOAuthState(state, { secret, nonceStore: store, now })).resolves.toMatchObject({ tenantId: "tenant-1" });
  });

  it("rejects a state signed with another secret", async () => {
    const { state } = createOAuthState({ tenantId: "tenant-1", connectionId: "conn-1", secret: otherSecret, now });
    const error = await rejection(verifyOAuthState(state, { secret, nonceStore: createMemoryNonceStore(), now }));
    expect(error.details["reason"]).toBe("bad_signature");
  });

  it("rejects a forged state that MACs the payload without the context prefix", async () => {
    const payload = Buffer.from(
      JSON.stringify({ v: 1, tenantId: "t", connectionId: "c", nonce: "A".repeat(22), iat: now.getTime(), exp: later(60).getTime() }),
    ).toString("base64url");
    const naive = createHmac("sha256", secret).update(payload).digest("base64url");
    await rejection(verifyOAuthState(`${payload}.${naive}`, { secret, nonceStore: createMemoryNonceStore(), now }));
  });

  it("rejects an expired state", async () => {
    const { state } = issue();
    const error = await rejection(verifyOAuthState(state, { secret, nonceStore: createMemoryNonceStore(), now: later(600) }));
    expect(error.details["reason"]).toBe("expired");
    expect(error.message).toMatch(/start again/);
  });

  it("rejects a replay: the second verification of the same state fails", async () => {
    const { state } = issue();
    const store = createMemoryNonceStore({ now: () => now });
    await verifyOAuthState(state, { secret, nonceStore: store, now });
    const error = await rejection(verifyOAuthState(state, { secret, nonceStore: store, now: later(1) }));
    expect(error.details["reason"]).toBe("replayed");
  });

  it.each([
    ["an empty string", ""],
    ["garbage", "garbage"],
    ["three parts", "a.b.c"],
    ["an empty signature", "eyJ2IjoxfQ."],
    ["non-base64url characters", "abc+/.def=="],
    ["an oversized value", `${"A".repeat(5000)}.AAAA`],
  ])("rejects %s as malformed", async (_label, state) => {
    const error = await rejection(verifyOAuthState(state, { secret, nonceStore: createMemoryNonceStore(), now }));
    expect(error.details["reason"]).toBe("malformed");
  });

  it("rejects a non-string state at runtime", async () => {
    await rejection(verifyOAuthState(undefined as unknown as string, { secret, nonceStore: createMemoryNonceStore(), now }));
  });

  it("rejects a correctly signed payload of the wrong shape", async () => {
    const payload = Buffer.from(JSON.stringify({ v: 2, tenantId: "t" })).toString("base64url");
    const signature = createHmac("sha256", secret).update("gtm-clarity/oauth-state/v1.").update(payload).digest("base64url");
    const error = await rejection(verifyOAuthState(`${payload}.${signature}`, { secret, nonceStore: createMemoryNonceStore(), now }));
    expect(error.details["reason"]).toBe("malformed");
  });

  it("refuses a short secret on both sides", async () => {
    expect(() => createOAuthState({ tenantId: "t", connectionId: "c", secret: "short" })).toThrow(/at least 32 bytes/);
    await expect(verifyOAuthState(issue().state, { secret: "short", nonceStore: createMemoryNonceStore() })).rejects.toSatisfy(isConfigError);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["empty", ""],
    ["a number", 42],
  ])("refuses an unset (%s) secret with a ConfigError on both sides, not a TypeError", async (_label, unset) => {
    const bad = unset as unknown as string;
    let error: unknown;
    try {
      createOAuthState({ tenantId: "t", connectionId: "c", secret: bad });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
    await expect(verifyOAuthState(issue().state, { secret: bad, nonceStore: createMemoryNonceStore() })).rejects.toSatisfy(isConfigError);
  });

  it("refuses to create a state without tenant or connection, or with a bad ttl", () => {
    expect(() => createOAuthState({ tenantId: "", connectionId: "c", secret })).toThrow(/tenantId/);
    expect(() => createOAuthState({ tenantId: "t", connectionId: "c", secret, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
  });
});

describe("createOAuthState / verifyOAuthState: round trip", () => {
  it("returns tenant, connection, nonce, expiry and extra", async () => {
    const created = issue({ returnTo: "/connections/conn-1" });
    expect(created.expiresAt).toEqual(later(600));
    expect(created.state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const verified = await verifyOAuthState(created.state, { secret, nonceStore: createMemoryNonceStore(), now: later(599) });
    expect(verified).toEqual({
      tenantId: "tenant-1",
      connectionId: "conn-1",
      nonce: created.nonce,
      expiresAt: created.expiresAt,
      extra: { returnTo: "/connections/conn-1" },
    });
  });

  it("omits extra when none was given, and honours ttlSeconds", async () => {
    const created = createOAuthState({ tenantId: "t", connectionId: "c", secret, ttlSeconds: 30, now });
    expect(created.expiresAt).toEqual(later(30));
    const verified = await verifyOAuthState(created.state, { secret, nonceStore: createMemoryNonceStore(), now });
    expect("extra" in verified).toBe(false);
  });

  it("accepts a byte secret and makes a fresh nonce each time", async () => {
    const bytes = new Uint8Array(32).fill(5);
    const one = createOAuthState({ tenantId: "t", connectionId: "c", secret: bytes });
    const two = createOAuthState({ tenantId: "t", connectionId: "c", secret: bytes });
    expect(one.nonce).not.toBe(two.nonce);
    await expect(verifyOAuthState(one.state, { secret: bytes, nonceStore: createMemoryNonceStore() })).resolves.toMatchObject({
      nonce: one.nonce,
    });
  });

  it("passes the nonce and the state's expiry to the store", async () => {
    const calls: [string, Date][] = [];
    const store: NonceStore = {
      consume: (nonce, expiresAt) => {
        calls.push([nonce, expiresAt]);
        return Promise.resolve(true);
      },
    };
    const created = issue();
    await verifyOAuthState(created.state, { secret, nonceStore: store, now });
    expect(calls).toEqual([[created.nonce, created.expiresAt]]);
  });
});

describe("createMemoryNonceStore", () => {
  it("is single-use and forgets expired nonces", async () => {
    let clock = now;
    const store = createMemoryNonceStore({ now: () => clock });
    expect(await store.consume("n1", later(60))).toBe(true);
    expect(await store.consume("n1", later(60))).toBe(false);
    expect(await store.consume("n2", later(600))).toBe(true);
    expect(store.size()).toBe(2);
    clock = later(120); // n1 expired; the sweep runs at most once a minute
    expect(await store.consume("n3", later(700))).toBe(true);
    expect(store.size()).toBe(2);
    expect(await store.consume("n2", later(600))).toBe(false);
  });
});
