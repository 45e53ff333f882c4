import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isConfigError, isSignatureError } from "./errors.js";
import {
  createMemoryNonceStore,
  createOAuthBinding,
  createOAuthState,
  verifyOAuthState,
  type CreateOAuthStateInput,
  type NonceStore,
  type VerifyOAuthStateOptions,
} from "./oauth-state.js";

const secret = "an-oauth-state-secret-of-32-bytes!!";
const otherSecret = "another-oauth-state-secret-32-bytes";
const now = new Date("2024-05-01T12:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const HMAC_CONTEXT = "gtm-clarity/oauth-state/v1.";

/** Two browsers: A started the flow, B is someone else's. */
const sessionA = createOAuthBinding().cookieValue;
const sessionB = createOAuthBinding().cookieValue;
const tenant = "tenant-1";

function issue(overrides: Partial<CreateOAuthStateInput> = {}) {
  return createOAuthState({ tenantId: tenant, connectionId: "conn-1", sessionBinding: sessionA, secret, now, ...overrides });
}

/** Verifies as the callback of session A, signed in to `tenant`, unless overridden. */
function verifyAs(state: string, overrides: Partial<VerifyOAuthStateOptions> = {}) {
  return verifyOAuthState(state, {
    secret,
    nonceStore: createMemoryNonceStore(),
    sessionBinding: sessionA,
    expectedTenantId: tenant,
    now,
    ...overrides,
  });
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

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

function flipChar(text: string, index: number): string {
  const char = text[index];
  return text.slice(0, index) + (char === "A" ? "B" : "A") + text.slice(index + 1);
}

/** A state over any payload, correctly signed with `secret`: what an older release (or a bug) could have issued. */
function signedState(payload: Record<string, unknown>): string {
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${encoded}.${createHmac("sha256", secret).update(HMAC_CONTEXT).update(encoded).digest("base64url")}`;
}

function payloadOf(state: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(state.split(".")[0] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("createOAuthBinding", () => {
  it("makes 32 random bytes, base64url, different every time", () => {
    const one = createOAuthBinding().cookieValue;
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(one, "base64url")).toHaveLength(32);
    expect(createOAuthBinding().cookieValue).not.toBe(one);
  });
});

describe("verifyOAuthState: session and tenant binding", () => {
  it("accepts the state once for the session and tenant that started it", async () => {
    const { state } = issue();
    await expect(verifyAs(state)).resolves.toMatchObject({ tenantId: tenant, connectionId: "conn-1" });
  });

  it("rejects another browser session's binding cookie", async () => {
    const error = await rejection(verifyAs(issue().state, { sessionBinding: sessionB }));
    expect(error.details["reason"]).toBe("binding_mismatch");
  });

  it.each([
    ["no cookie", undefined],
    ["an empty cookie", ""],
    ["a cookie of the wrong shape", `${sessionA}x`],
    ["the hash from the state instead of the cookie", createHash("sha256").update(sessionA).digest("base64url")],
  ])("rejects %s as binding_mismatch", async (_label, cookie) => {
    const error = await rejection(verifyAs(issue().state, { sessionBinding: cookie }));
    expect(error.details["reason"]).toBe("binding_mismatch");
  });

  it.each([
    ["another tenant", "tenant-2"],
    ["a tenant id that only shares a prefix", "tenant-10"],
    ["a differently cased tenant id", "TENANT-1"],
  ])("rejects %s as tenant_mismatch, even with the right cookie", async (_label, otherTenant) => {
    const error = await rejection(verifyAs(issue().state, { expectedTenantId: otherTenant }));
    expect(error.details["reason"]).toBe("tenant_mismatch");
  });

  it("does not burn the nonce on a probe with the wrong cookie or tenant; then accepts once and rejects the replay", async () => {
    const { state } = issue();
    const nonceStore = createMemoryNonceStore({ now: () => now });
    await rejection(verifyAs(state, { nonceStore, sessionBinding: sessionB }));
    await rejection(verifyAs(state, { nonceStore, sessionBinding: undefined }));
    await rejection(verifyAs(state, { nonceStore, expectedTenantId: "tenant-2" }));
    expect(nonceStore.size()).toBe(0);
    await expect(verifyAs(state, { nonceStore })).resolves.toMatchObject({ tenantId: tenant });
    const replay = await rejection(verifyAs(state, { nonceStore, now: later(1) }));
    expect(replay.details["reason"]).toBe("replayed");
  });

  it("carries only the sha256 of the cookie value, never the value", () => {
    const { state } = issue();
    expect(state).not.toContain(sessionA);
    expect(payloadOf(state)).toMatchObject({
      v: 2,
      bindingHash: createHash("sha256").update(sessionA, "utf8").digest("base64url"),
    });
  });

  it("rejects a correctly signed v1 state: it was bound to no session", async () => {
    const v1 = signedState({ v: 1, tenantId: tenant, connectionId: "c", nonce: "A".repeat(22), iat: now.getTime(), exp: later(60).getTime() });
    const error = await rejection(verifyAs(v1));
    expect(error.details["reason"]).toBe("unsupported_version");
  });

  it("refuses to create a state without a session binding, without echoing a bad one", () => {
    const missing = thrown(() => issue({ sessionBinding: undefined as unknown as string }));
    expect(isConfigError(missing)).toBe(true);
    expect(missing.message).toMatch(/createOAuthBinding/);
    const bad = "not-a-binding-value-but-a-guessable-one";
    const error = thrown(() => issue({ sessionBinding: bad }));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).not.toContain(bad);
  });

  it("refuses to verify without the expected tenant from the server-side session", async () => {
    const { state } = issue();
    await expect(verifyAs(state, { expectedTenantId: undefined as unknown as string })).rejects.toSatisfy(isConfigError);
    await expect(verifyAs(state, { expectedTenantId: "" })).rejects.toSatisfy(isConfigError);
  });
});

describe("verifyOAuthState: lifetime", () => {
  it("defaults to 600 s and accepts up to 900 s", async () => {
    expect(issue().expiresAt).toEqual(later(600));
    const longest = issue({ ttlSeconds: 900 });
    expect(longest.expiresAt).toEqual(later(900));
    await expect(verifyAs(longest.state, { now: later(899) })).resolves.toMatchObject({ tenantId: tenant });
  });

  it.each([901, 3600, Number.POSITIVE_INFINITY, 0, -1, Number.NaN])("refuses ttlSeconds %s with a ConfigError", (ttlSeconds) => {
    const error = thrown(() => issue({ ttlSeconds }));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toMatch(/ttlSeconds/);
  });

  it("rejects an expired state", async () => {
    const error = await rejection(verifyAs(issue().state, { now: later(600) }));
    expect(error.details["reason"]).toBe("expired");
    expect(error.message).toMatch(/start again/);
  });

  it("rejects a signed state whose lifetime exceeds the cap", async () => {
    const payload = payloadOf(issue().state);
    const error = await rejection(verifyAs(signedState({ ...payload, exp: later(901).getTime() })));
    expect(error.details["reason"]).toBe("malformed");
  });
});

describe("verifyOAuthState: rejections", () => {
  it("rejects a tampered payload (tenant swapped, signature kept)", async () => {
    const { state } = issue();
    const [, signature] = state.split(".") as [string, string];
    const swapped = Buffer.from(JSON.stringify({ ...payloadOf(state), tenantId: "tenant-2" })).toString("base64url");
    const error = await rejection(verifyAs(`${swapped}.${signature}`, { expectedTenantId: "tenant-2" }));
    expect(error.details["reason"]).toBe("bad_signature");
  });

  it("rejects a changed character anywhere in the payload or the signature", async () => {
    const { state } = issue();
    const nonceStore = createMemoryNonceStore();
    for (let index = 0; index < state.length; index += 1) {
      if (state[index] === ".") continue;
      await rejection(verifyAs(flipChar(state, index), { nonceStore }));
    }
    // None of the tampered attempts consumed the nonce: the genuine state still works once.
    await expect(verifyAs(state, { nonceStore })).resolves.toMatchObject({ tenantId: tenant });
  });

  it("rejects a state signed with another secret", async () => {
    const { state } = issue({ secret: otherSecret });
    const error = await rejection(verifyAs(state));
    expect(error.details["reason"]).toBe("bad_signature");
  });

  it("rejects a forged state that MACs the payload without the context prefix", async () => {
    const payload = Buffer.from(JSON.stringify(payloadOf(issue().state))).toString("base64url");
    const naive = createHmac("sha256", secret).update(payload).digest("base64url");
    const error = await rejection(verifyAs(`${payload}.${naive}`));
    expect(error.details["reason"]).toBe("bad_signature");
  });

  it.each([
    ["an empty string", ""],
    ["garbage", "garbage"],
    ["three parts", "a.b.c"],
    ["an empty signature", "eyJ2IjoyfQ."],
    ["non-base64url characters", "abc+/.def=="],
    ["an oversized value", `${"A".repeat(5000)}.AAAA`],
  ])("rejects %s as malformed", async (_label, state) => {
    const error = await rejection(verifyAs(state));
    expect(error.details["reason"]).toBe("malformed");
  });

  it("rejects a non-string state at runtime", async () => {
    await rejection(verifyAs(undefined as unknown as string));
  });

  it("rejects a correctly signed payload of the wrong shape", async () => {
    const error = await rejection(verifyAs(signedState({ v: 2, tenantId: tenant })));
    expect(error.details["reason"]).toBe("malformed");
  });

  it("refuses a short secret on both sides", async () => {
    expect(thrown(() => issue({ secret: "short" })).message).toMatch(/at least 32 bytes/);
    await expect(verifyAs(issue().state, { secret: "short" })).rejects.toSatisfy(isConfigError);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["empty", ""],
    ["a number", 42],
  ])("refuses an unset (%s) secret with a ConfigError on both sides, not a TypeError", async (_label, unset) => {
    const bad = unset as unknown as string;
    expect(isConfigError(thrown(() => issue({ secret: bad })))).toBe(true);
    await expect(verifyAs(issue().state, { secret: bad })).rejects.toSatisfy(isConfigError);
  });

  it("refuses missing options or input with a ConfigError, not a TypeError", async () => {
    await expect(verifyOAuthState(issue().state, undefined as unknown as VerifyOAuthStateOptions)).rejects.toSatisfy(isConfigError);
    await expect(verifyAs(issue().state, { nonceStore: undefined as unknown as NonceStore })).rejects.toSatisfy(isConfigError);
    expect(isConfigError(thrown(() => createOAuthState(undefined as unknown as CreateOAuthStateInput)))).toBe(true);
  });

  it("refuses to create a state without tenant or connection, or too large to verify", () => {
    expect(thrown(() => issue({ tenantId: "" })).message).toMatch(/tenantId/);
    expect(isConfigError(thrown(() => issue({ connectionId: undefined as unknown as string })))).toBe(true);
    expect(thrown(() => issue({ extra: { blob: "x".repeat(4000) } })).message).toMatch(/4096/);
  });
});

describe("createOAuthState / verifyOAuthState: round trip", () => {
  it("returns tenant, connection, nonce, expiry and extra", async () => {
    const created = issue({ extra: { returnTo: "/connections/conn-1" } });
    expect(created.expiresAt).toEqual(later(600));
    expect(created.state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const verified = await verifyAs(created.state, { now: later(599) });
    expect(verified).toEqual({
      tenantId: tenant,
      connectionId: "conn-1",
      nonce: created.nonce,
      expiresAt: created.expiresAt,
      extra: { returnTo: "/connections/conn-1" },
    });
  });

  it("omits extra when none was given, and honours ttlSeconds", async () => {
    const created = issue({ ttlSeconds: 30 });
    expect(created.expiresAt).toEqual(later(30));
    const verified = await verifyAs(created.state);
    expect("extra" in verified).toBe(false);
  });

  it("accepts a byte secret and makes a fresh nonce each time", async () => {
    const bytes = new Uint8Array(32).fill(5);
    const one = issue({ secret: bytes });
    const two = issue({ secret: bytes });
    expect(one.nonce).not.toBe(two.nonce);
    await expect(verifyAs(one.state, { secret: bytes })).resolves.toMatchObject({ nonce: one.nonce });
  });

  it("passes the nonce and the state's expiry to the store", async () => {
    const calls: [string, Date][] = [];
    const nonceStore: NonceStore = {
      consume: (nonce, expiresAt) => {
        calls.push([nonce, expiresAt]);
        return Promise.resolve(true);
      },
    };
    const created = issue();
    await verifyAs(created.state, { nonceStore });
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
