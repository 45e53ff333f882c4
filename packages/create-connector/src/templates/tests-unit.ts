/** test/transform.test.ts and test/pull.test.ts. */
import { lines, specifiers, str, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";
import { KIND_FIXTURES } from "./test-fixtures.js";

export function transformTestTs(ctx: TemplateContext): string {
  const { camel } = ctx;
  const specs = specsOf(ctx.kinds);
  const first = specs[0];
  if (first === undefined) throw new Error("a connector syncs at least one kind");
  const firstFixture = KIND_FIXTURES[first.kind];
  return lines(
    'import { mergeFieldMappings, type CanonicalRecord, type QuarantinedRecord } from "@gtm-clarity/core";',
    'import { describe, expect, it } from "vitest";',
    `import { ${camel}FieldMappings } from "../src/schema.js";`,
    specifiers(
      "import",
      [...specs.map((spec) => `transform${spec.title}`), "updatedAtOf", "type TransformResult"],
      "../src/sync/transform.js",
    ),
    "",
    "function record(result: TransformResult): CanonicalRecord {",
    "  if (!result.ok) throw new Error(`quarantined: ${JSON.stringify(result.quarantined.reasons)}`);",
    "  return result.record;",
    "}",
    "",
    "function quarantined(result: TransformResult): QuarantinedRecord {",
    '  if (result.ok) throw new Error("expected the record to be quarantined");',
    "  return result.quarantined;",
    "}",
    "",
    specs.map((spec) => {
      const fixture = KIND_FIXTURES[spec.kind];
      return lines(
        `describe("transform${spec.title}", () => {`,
        "  const input = {",
        fixture.input.map((line) => `    ${line}`),
        "  };",
        "",
        '  it("maps every field, normalises it, and keeps unmapped fields in properties", () => {',
        `    expect(record(transform${spec.title}(input))).toEqual({`,
        fixture.expected.map((line) => `      ${line}`),
        "    });",
        "  });",
        "",
        `  it("quarantines an invalid ${fixture.malformed.field} with the reason, never drops it", () => {`,
        `    const result = quarantined(transform${spec.title}({ ...input, ${fixture.malformed.field}: ${fixture.malformed.value} }));`,
        "    expect(result.externalId).toBe(input.id);",
        `    expect(result.reasons.map((reason) => reason.path)).toContain(${str(fixture.malformed.path)});`,
        "  });",
        "",
        '  it("quarantines a record without an id", () => {',
        `    const result = quarantined(transform${spec.title}({ ...input, id: "" }));`,
        "    expect(result.externalId).toBeUndefined();",
        "    expect(result.reasons.length).toBeGreaterThan(0);",
        "  });",
        "",
        '  it("marks records the source deleted", () => {',
        `    expect(record(transform${spec.title}({ ...input, deleted: true })).isDeleted).toBe(true);`,
        "  });",
        "});",
        "",
      );
    }),
    'describe("transforms", () => {',
    '  it("apply a tenant override of one mapping", () => {',
    `    const mappings = mergeFieldMappings(${camel}FieldMappings, [`,
    "      {",
    `        kind: ${str(first.kind)},`,
    `        sourceField: ${str(firstFixture.override.sourceField)},`,
    `        targetField: ${str(firstFixture.override.targetField)},`,
    '        transform: "uppercase",',
    "        required: false,",
    "      },",
    "    ]);",
    "    const input = {",
    firstFixture.input.map((line) => `      ${line}`),
    "    };",
    `    expect(record(transform${first.title}(input, mappings))).toMatchObject({`,
    `      ${firstFixture.override.targetField}: ${str(firstFixture.override.value)},`,
    "    });",
    "  });",
    "",
    '  it("are pure: the same input gives the same output, and the input is left alone", () => {',
    "    const input = {",
    firstFixture.input.map((line) => `      ${line}`),
    "    };",
    "    const before = structuredClone(input);",
    `    expect(transform${first.title}(input)).toEqual(transform${first.title}(input));`,
    "    expect(input).toEqual(before);",
    "  });",
    "",
    '  it("read updated_at for the watermark, ignoring what does not parse", () => {',
    '    expect(updatedAtOf({ updated_at: "2025-01-06T09:30:00Z" })).toBe("2025-01-06T09:30:00.000Z");',
    '    expect(updatedAtOf({ updated_at: "soon" })).toBeNull();',
    "    expect(updatedAtOf(null)).toBeNull();",
    "  });",
    "});",
    "",
  );
}

export function pullTestTs(ctx: TemplateContext): string {
  const { pascal: p } = ctx;
  const first = specsOf(ctx.kinds)[0];
  if (first === undefined) throw new Error("a connector syncs at least one kind");
  const kind = str(first.kind);
  const credential = ctx.oauth
    ? {
        fixture: '{ accessToken: "at_test_0123456789" }',
        header: "authorization",
        value: '"Bearer at_test_0123456789"',
      }
    : { fixture: '{ apiKey: "sk_test_0123456789" }', header: "x-api-key", value: '"sk_test_0123456789"' };
  return `import { isAuthError, isSchemaError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { authHeaders, parse${p}Credentials } from "../src/auth.js";
import { ${p}Clients } from "../src/client.js";
${specifiers("import", ["sandboxData", `start${p}Sandbox`, `type ${p}Sandbox`], "../src/sandbox/index.js")}
import { fetchPage, pullStream, type StreamPage } from "../src/sync/pull.js";
import { updatedAtOf } from "../src/sync/transform.js";

const KIND = ${kind};

describe("pull against the sandbox", () => {
  let sandbox: ${p}Sandbox;

  beforeAll(async () => {
    sandbox = await start${p}Sandbox({ rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const client = () => {
    const headers = authHeaders(parse${p}Credentials(sandbox.credentials));
    return new ${p}Clients().get(sandbox.url, headers);
  };

  async function readAll(pages: AsyncGenerator<StreamPage>): Promise<StreamPage[]> {
    const all: StreamPage[] = [];
    for await (const page of pages) all.push(page);
    return all;
  }

  it("reads a stream page by page, following next_cursor to the end", async () => {
    const pages = await readAll(pullStream(client(), KIND));
    const expected = sandboxData()[KIND];
    expect(pages).toHaveLength(Math.ceil(expected.length / 10));
    expect(pages.slice(0, -1).every((page) => page.items.length === 10 && page.nextCursor !== null)).toBe(true);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap((page) => page.items)).toHaveLength(expected.length);
  });

  it("resumes from a page's cursor", async () => {
    const first = await fetchPage(client(), KIND, {}, null);
    const rest = await readAll(pullStream(client(), KIND, {}, { startCursor: first.nextCursor }));
    const items = [first, ...rest].flatMap((page) => page.items);
    expect(items).toHaveLength(sandboxData()[KIND].length);
  });

  it("asks only for records updated since the watermark", async () => {
    const records = sandboxData()[KIND];
    const watermark = updatedAtOf(records[Math.floor(records.length / 2)]) ?? "";
    const pages = await readAll(pullStream(client(), KIND, { updatedSince: watermark }));
    const expected = records.filter((item) => (updatedAtOf(item) ?? "") >= watermark);
    expect(pages.flatMap((page) => page.items)).toHaveLength(expected.length);
  });
});

describe("pull with an injected fetch", () => {
  const BASE_URL = "https://api.test.example";
  const CREDENTIALS = parse${p}Credentials(${credential.fixture});

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  }

  function setup(...responses: (() => Response)[]) {
    const fetchMock = vi.fn<typeof fetch>();
    for (const response of responses) fetchMock.mockImplementationOnce(async () => response());
    const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
    const client = new ${p}Clients({ fetch: fetchMock, retry }).get(BASE_URL, authHeaders(CREDENTIALS));
    return { fetchMock, client };
  }

  function sent(fetchMock: Mock<typeof fetch>, call = 0): Request {
    const [input, init] = fetchMock.mock.calls[call] ?? [];
    if (input === undefined) throw new Error(\`fetch was not called \${call + 1} time(s)\`);
    return new Request(input, init);
  }

  it("sends the credential and the query", async () => {
    const { fetchMock, client } = setup(() => json(200, { data: [], next_cursor: null }));
    await fetchPage(client, KIND, { updatedSince: "2025-01-06T09:30:00.000Z", pageSize: 50 }, "abc");
    const request = sent(fetchMock);
    expect(request.headers.get(${str(credential.header)})).toBe(${credential.value});
    const url = new URL(request.url);
    expect(url.searchParams.get("limit")).toBe("50");
    expect(url.searchParams.get("updated_since")).toBe("2025-01-06T09:30:00.000Z");
    expect(url.searchParams.get("cursor")).toBe("abc");
  });

  it("waits out a 429 (Retry-After) and retries", async () => {
    const { fetchMock, client } = setup(
      () => json(429, { error: { code: "rate_limited" } }, { "Retry-After": "0.05" }),
      () => json(200, { data: [{ id: "x" }], next_cursor: null }),
    );
    const page = await fetchPage(client, KIND, {}, null);
    expect(page.items).toEqual([{ id: "x" }]);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(client.stats().rateLimited).toBe(1);
  });

  it("turns a 401 into an AuthError, without retrying", async () => {
    const { fetchMock, client } = setup(() => json(401, { error: { code: "unauthorized" } }));
    await expect(fetchPage(client, KIND, {}, null)).rejects.toSatisfy(isAuthError);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("rejects a body that is not a page with a SchemaError", async () => {
    const { client } = setup(() => json(200, { items: "nope" }));
    await expect(fetchPage(client, KIND, {}, null)).rejects.toSatisfy(isSchemaError);
  });

  it("stops when the API hands back the cursor it was given", async () => {
    const { client } = setup(() => json(200, { data: [], next_cursor: "same" }));
    await expect(fetchPage(client, KIND, {}, "same")).rejects.toSatisfy(isSchemaError);
  });
});
`;
}
