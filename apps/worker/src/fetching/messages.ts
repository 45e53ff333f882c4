/**
 * What the worker's main thread and its fetch threads say to each other (./thread-fetcher.ts and
 * ./fetch-thread.ts). Both ends are this package's own code, loaded from the same files; values cross by structured
 * clone, errors as core's `ErrorData`.
 */
import type { Credentials, ErrorData, LogFields, LogLevel } from "@gtm-clarity/core";
import type { StoreLimits } from "@gtm-clarity/store/prepare";
import type { FetchedPage, RunAheadAllowance } from "./page-fetcher.js";

export interface ThreadData {
  /** The module (file URL) whose export `exportName` is the thread's connector lookup. */
  connectorsModule: string;
  exportName: string;
  /** The thread's nice value (0 to 19; higher yields the CPU to the main thread's commits first). */
  niceness?: number;
}

/** One page to fetch, with everything the connector receives. */
export interface FetchRequest {
  type: "fetch";
  id: number;
  connectorId: string;
  credentials: Credentials;
  cursor: string | null;
  fullSync: boolean;
  settings: Record<string, unknown>;
  dpaAcceptedAt: Date | null;
  /** The store's limits: the thread prepares the page for it (`prepareCommit`). */
  limits: StoreLimits;
  /** The caller ran inside a request gate (a vendor budget): every request asks the main thread first. */
  gated: boolean;
  /** Pages after this one the thread may fetch before they are asked for, and for how long (./run-ahead.ts). */
  runAhead: RunAheadAllowance;
}

export type ToThread =
  | FetchRequest
  | { type: "abort"; id: number; reason: string }
  | { type: "gate"; id: number; gateId: number; granted: true }
  | { type: "gate"; id: number; gateId: number; granted: false; error: ErrorData };

export type FromThread =
  | { type: "ready"; connectors: { id: string; version: string }[] }
  | { type: "load-failed"; error: ErrorData }
  | { type: "result"; id: number; page: FetchedPage }
  | { type: "error"; id: number; error: ErrorData }
  /** The page could not be cloned to the main thread: the caller fetches it in its own thread instead. */
  | { type: "uncloneable"; id: number; message: string }
  | { type: "log"; id: number; level: LogLevel; message: string; fields: LogFields }
  | { type: "acquire"; id: number; gateId: number; client: string; method: string; url: string }
  | { type: "cancel-acquire"; id: number; gateId: number }
  | { type: "release"; id: number; gateId: number };
