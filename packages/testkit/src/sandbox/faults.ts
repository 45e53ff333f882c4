/**
 * Fault injection: a plan of faults a test or a demo arms, each consumed by the requests it matches.
 *
 * Generic faults are applied by the kit: a status with a JSON or HTML error body, latency, a trickling body, a
 * connection dropped mid-response. Content faults are about the sandbox's own data, so the kit hands them to the
 * route's page builder (`req.contentFaults`), which applies them: a malformed item, a malformed page, a cursor that
 * leads back to an earlier page.
 *
 * The plan is consulted once per request, after routing and after the guards: a fault armed for "the next request"
 * is not used up by a request that was refused for its credentials or its rate, so tests stay exact.
 */
import { z } from "zod";
import { compilePathPattern } from "./path-pattern.js";
import type { SandboxRequest } from "./request.js";

const status = z.number().int().min(100).max(599);
const milliseconds = z.number().int().min(0).max(600_000);

export const FaultSchema = z.discriminatedUnion("kind", [
  /** Answer `status` with a JSON body: `body`, or the sandbox's own error body for that status. */
  z.object({
    kind: z.literal("status"),
    status,
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  /** Answer `status` with an HTML page instead of the API's JSON. */
  z.object({ kind: z.literal("html"), status, html: z.string().optional() }),
  /** Wait before handling (several latency faults on one request add up). */
  z.object({ kind: z.literal("latency"), ms: milliseconds }),
  /** Send the headers at once, then the body `bytesPerInterval` bytes (default 1) every `intervalMs`. */
  z.object({
    kind: z.literal("trickle"),
    intervalMs: z.number().int().min(1).max(60_000),
    bytesPerInterval: z.number().int().min(1).optional(),
  }),
  /** Send the headers and the first `afterBytes` bytes of the body (default: half), then destroy the socket. */
  z.object({ kind: z.literal("drop"), afterBytes: z.number().int().min(0).optional() }),
  /** Content: serve one item of the page malformed: the item with `itemId`, else the one at `position` (default 0). */
  z.object({
    kind: z.literal("malformed-item"),
    position: z.number().int().min(0).optional(),
    itemId: z.string().optional(),
  }),
  /** Content: answer 200 with a body that is not a page of the API's shape. */
  z.object({ kind: z.literal("malformed-page") }),
  /** Content: give as next cursor one already issued for an earlier page of the same listing (A -> B -> A). */
  z.object({ kind: z.literal("repeat-cursor") }),
]);

export type Fault = z.output<typeof FaultSchema>;
export type FaultKind = Fault["kind"];
export type StatusFault = Extract<Fault, { kind: "status" }>;
export type HtmlFault = Extract<Fault, { kind: "html" }>;
export type DeliveryFault = Extract<Fault, { kind: "trickle" | "drop" }>;
export type ContentFault = Extract<Fault, { kind: "malformed-item" | "malformed-page" | "repeat-cursor" }>;

const CONTENT_KINDS: ReadonlySet<FaultKind> = new Set(["malformed-item", "malformed-page", "repeat-cursor"]);

export function isContentFault(fault: Fault): fault is ContentFault {
  return CONTENT_KINDS.has(fault.kind);
}

/** Which requests a fault applies to; every field given must hold. */
export interface FaultMatch {
  method?: string;
  /** A path pattern as in routes (`/meetings`, `/recordings/:id/*`), relative to the server's base path. */
  path?: string;
  /** The request's number: every request the server received counts, from 1. */
  request?: number;
}

export type FaultMatcher = FaultMatch | ((req: SandboxRequest) => boolean);

export interface FaultSpec {
  fault: Fault;
  /** How many matching requests it applies to: a positive integer or "always". Default 1. */
  times?: number | "always";
  /** Matching requests to let through before it applies. Default 0. */
  after?: number;
  match?: FaultMatcher;
}

/** What one request drew from the plan. */
export interface DrawnFaults {
  latencyMs: number;
  /** A status or HTML reply replacing the handler's. */
  reply: StatusFault | HtmlFault | undefined;
  delivery: DeliveryFault | undefined;
  content: ContentFault[];
  /** Every fault applied, in arming order (for the request log). */
  applied: Fault[];
}

interface Armed {
  readonly fault: Fault;
  remaining: number;
  skip: number;
  readonly matches: (req: SandboxRequest) => boolean;
}

function compileMatcher(match: FaultMatcher | undefined): (req: SandboxRequest) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === "function") return match;
  const pattern = match.path === undefined ? undefined : compilePathPattern(match.path);
  const method = match.method?.toUpperCase();
  return (req) =>
    (method === undefined || req.method === method) &&
    (pattern === undefined || pattern.match(req.path) !== undefined) &&
    (match.request === undefined || req.n === match.request);
}

function slotOf(fault: Fault): "reply" | "delivery" | "content" | "latency" {
  if (fault.kind === "status" || fault.kind === "html") return "reply";
  if (fault.kind === "trickle" || fault.kind === "drop") return "delivery";
  return fault.kind === "latency" ? "latency" : "content";
}

export class FaultPlan {
  readonly #armed: Armed[] = [];
  #injected = 0;

  constructor(specs: readonly FaultSpec[] = []) {
    for (const spec of specs) this.arm(spec);
  }

  /** Arms a fault. The fault is validated here, so a typo fails where it was written, not as a silent no-op. */
  arm(spec: FaultSpec): this {
    const fault = FaultSchema.parse(spec.fault);
    const times = spec.times ?? 1;
    if (times !== "always" && !(Number.isInteger(times) && times > 0)) {
      throw new RangeError(`times must be a positive integer or "always", got ${String(times)}`);
    }
    const after = spec.after ?? 0;
    if (!(Number.isInteger(after) && after >= 0)) throw new RangeError(`after must be a whole number, got ${after}`);
    this.#armed.push({
      fault,
      remaining: times === "always" ? Number.POSITIVE_INFINITY : times,
      skip: after,
      matches: compileMatcher(spec.match),
    });
    return this;
  }

  once(fault: Fault, match?: FaultMatcher): this {
    return this.arm({ fault, times: 1, ...(match === undefined ? {} : { match }) });
  }

  times(count: number, fault: Fault, match?: FaultMatcher): this {
    return this.arm({ fault, times: count, ...(match === undefined ? {} : { match }) });
  }

  always(fault: Fault, match?: FaultMatcher): this {
    return this.arm({ fault, times: "always", ...(match === undefined ? {} : { match }) });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** Faults still armed, with what is left of each. */
  pending(): { fault: Fault; remaining: number | "always" }[] {
    return this.#armed.map(({ fault, remaining }) => ({
      fault,
      remaining: remaining === Number.POSITIVE_INFINITY ? "always" : remaining,
    }));
  }

  /** Faults applied so far. */
  get injected(): number {
    return this.#injected;
  }

  /**
   * Draws the faults for one request, in arming order. Latency adds up; one reply fault and one delivery fault at
   * most (a second one stays armed for a later request); content faults only when the route applies them.
   */
  draw(req: SandboxRequest, acceptsContent: boolean): DrawnFaults {
    const drawn: DrawnFaults = { latencyMs: 0, reply: undefined, delivery: undefined, content: [], applied: [] };
    for (const entry of this.#armed) {
      const { fault } = entry;
      const slot = slotOf(fault);
      if (slot === "content" && !acceptsContent) continue;
      if ((slot === "reply" && drawn.reply) || (slot === "delivery" && drawn.delivery)) continue;
      if (!entry.matches(req)) continue;
      if (entry.skip > 0) {
        entry.skip -= 1;
        continue;
      }
      entry.remaining -= 1;
      drawn.applied.push(fault);
      if (fault.kind === "latency") drawn.latencyMs += fault.ms;
      else if (fault.kind === "status" || fault.kind === "html") drawn.reply = fault;
      else if (fault.kind === "trickle" || fault.kind === "drop") drawn.delivery = fault;
      else drawn.content.push(fault);
    }
    for (let index = this.#armed.length - 1; index >= 0; index -= 1) {
      if ((this.#armed[index]?.remaining ?? 0) <= 0) this.#armed.splice(index, 1);
    }
    this.#injected += drawn.applied.length;
    return drawn;
  }
}
