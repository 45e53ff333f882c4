/**
 * A loopback CRM with a batch upsert endpoint, and a small connector whose writeback pushes to it: enough of a
 * source to prove the outbox applies every change exactly once across kill -9s. The sandbox lives in the test
 * process (children come and go) and records every state change it applies, in order.
 *
 * POST /records/batch  { records: [{ externalId, record }] }  (Bearer token; at most 200 records, as Salesforce)
 *   per record: a key starting `bad-` is refused for good; a key in `lockedOnce` is answered UNABLE_TO_LOCK_ROW
 *   (retryable) the first time; anything else is an upsert, applied only when it changes the stored value, which is
 *   what makes re-sending a change harmless.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AuthError,
  RateLimitError,
  TransientError,
  type AuthenticateResult,
  type CanonicalRecord,
  type Connector,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type SyncResult,
  type WritebackOptions,
  type WritebackResult,
} from "@gtm-clarity/core";
import { z } from "zod";

export const CRM_TOKEN = "loopback-crm-token";
export const CRM_BATCH_LIMIT = 200;

export interface AppliedWrite {
  externalId: string;
  value: string;
}

export interface LoopbackCrm {
  url: string;
  /** Every state change, in the order applied. */
  applied: AppliedWrite[];
  /** Records received, re-sends included. */
  received: number;
  requests: number;
  /** Answer the next N batch requests with this status (401, 429, 503). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

const BatchSchema = z.object({
  records: z.array(z.object({ externalId: z.string().min(1), record: z.unknown() })).max(CRM_BATCH_LIMIT),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export interface LoopbackCrmOptions {
  /** Every batch waits this long before it is applied. */
  latencyMs?: number;
  lockedOnce?: readonly string[];
  /** Called as a batch request arrives, before it is applied (a test kills the client there). */
  onBatch?: () => void;
}

export async function startLoopbackCrm(options: LoopbackCrmOptions = {}): Promise<LoopbackCrm> {
  const state = new Map<string, string>();
  const locked = new Set(options.lockedOnce ?? []);
  const failures: number[] = [];
  const crm: Omit<LoopbackCrm, "url" | "close"> & { failNext: LoopbackCrm["failNext"] } = {
    applied: [],
    received: 0,
    requests: 0,
    failNext: (status, times = 1) => {
      for (let i = 0; i < times; i += 1) failures.push(status);
    },
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    void (async () => {
      crm.requests += 1;
      if (req.method !== "POST" || req.url !== "/records/batch") return send(404, [{ errorCode: "NOT_FOUND" }]);
      if (req.headers.authorization !== `Bearer ${CRM_TOKEN}`) return send(401, [{ errorCode: "INVALID_SESSION_ID" }]);
      const failure = failures.shift();
      if (failure !== undefined) return send(failure, [{ errorCode: failure === 429 ? "REQUEST_LIMIT_EXCEEDED" : "SERVER_UNAVAILABLE" }]);
      const parsed = BatchSchema.safeParse(await readJson(req));
      if (!parsed.success) return send(400, [{ errorCode: "INVALID_BATCH", message: parsed.error.message }]);
      options.onBatch?.();
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const results = parsed.data.records.map(({ externalId, record }) => {
        crm.received += 1;
        if (externalId.startsWith("bad-")) {
          return { externalId, ok: false, error: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Title is not allowed", retryable: false };
        }
        if (locked.delete(externalId)) return { externalId, ok: false, error: "UNABLE_TO_LOCK_ROW", retryable: true };
        const value = JSON.stringify(record);
        if (state.get(externalId) !== value) {
          state.set(externalId, value);
          crm.applied.push({ externalId, value });
        }
        return { externalId, ok: true };
      });
      send(200, results);
    })().catch((error: unknown) => send(500, [{ errorCode: "UNKNOWN", message: String(error) }]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(crm, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const SettingsSchema = z.object({ baseUrl: z.string().url().default("http://127.0.0.1:1") });
type Settings = z.output<typeof SettingsSchema>;

const ResultsSchema = z.array(
  z.object({ externalId: z.string(), ok: z.boolean(), error: z.string().optional(), retryable: z.boolean().optional() }),
);

/** Writes back with one batch request per push; every other capability is inert. */
export class LoopbackCrmConnector implements Connector<CanonicalRecord, Settings> {
  readonly id = "loopback-crm";
  readonly name = "Loopback CRM";
  readonly version = "0.0.1";
  readonly settingsSchema = SettingsSchema;
  /** Every push, as the connector saw it (in this process). */
  readonly pushes: number[] = [];

  authenticate(): Promise<AuthenticateResult> {
    return Promise.resolve({ credentials: { token: CRM_TOKEN } });
  }
  sync(): Promise<SyncResult<CanonicalRecord>> {
    return Promise.resolve({ records: [], cursor: null, hasMore: false, syncedAt: new Date(), stats: { errors: 0 } });
  }
  getSchema(): FieldMapping[] {
    return [];
  }
  healthCheck(): Promise<ConnectorHealthStatus> {
    return Promise.resolve({ healthy: true, lastSync: null });
  }

  readonly writeback = {
    push: async (credentials: Credentials, records: CanonicalRecord[], options: WritebackOptions<Settings> = {}): Promise<WritebackResult[]> => {
      this.pushes.push(records.length);
      const baseUrl = options.settings?.baseUrl ?? "";
      const response = await fetch(`${baseUrl}/records/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${credentials["token"] ?? ""}`, "content-type": "application/json" },
        body: JSON.stringify({ records: records.map((record) => ({ externalId: record.externalId, record })) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (response.status === 401) throw new AuthError("loopback CRM refused the token (INVALID_SESSION_ID)");
      if (response.status === 429) throw new RateLimitError("loopback CRM: REQUEST_LIMIT_EXCEEDED", 50);
      if (!response.ok) throw new TransientError(`loopback CRM answered ${response.status}`);
      return ResultsSchema.parse(await response.json()).map(({ externalId, ok, error, retryable }) => ({
        externalId,
        ok,
        ...(error === undefined ? {} : { error }),
        ...(retryable === undefined ? {} : { retryable }),
      }));
    },
  };
}
