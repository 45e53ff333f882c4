/**
 * The record kinds the Microsoft 365 connector syncs, in the order a sync run reads them. A kind is a file in `kinds/`
 * (endpoint, schema, mappings); adding one here is all a new stream needs. One entry per line: generation removes
 * the lines of the kinds it was not asked for.
 */
import type { StreamDefinition } from "./kinds/stream.js";
import { personStream } from "./kinds/person.js";
import { accountStream } from "./kinds/account.js";
import { activityStream } from "./kinds/activity.js";

export const STREAMS = [
  personStream,
  accountStream,
  activityStream,
] as const;

export type StreamKind = (typeof STREAMS)[number]["kind"];

/** Never empty: a sync run starts with the first. */
export const STREAM_KINDS: readonly [StreamKind, ...StreamKind[]] = [
  STREAMS[0].kind,
  ...STREAMS.slice(1).map((stream) => stream.kind),
];

export function streamOf(kind: StreamKind): StreamDefinition<StreamKind> {
  const stream = STREAMS.find((candidate) => candidate.kind === kind);
  if (stream === undefined) throw new RangeError(`Microsoft 365 has no stream "${kind}"`);
  return stream;
}
