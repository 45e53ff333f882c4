/**
 * The record kinds the Template connector syncs, in the order a sync run reads them, and the endpoint that
 * lists each. Adding a kind here (with its schema, mappings and transform) is all a new stream needs.
 */
export const STREAM_KINDS = ["person", "account", "activity"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

export const STREAM_PATHS: Record<StreamKind, string> = {
  person: "/v1/people",
  account: "/v1/accounts",
  activity: "/v1/activities",
};
