/**
 * Opportunity, Task and Event to canonical activities, pure: type and channel from `TaskSubtype`/`Type`, direction
 * from `CallType`, links from `WhoId`, `AccountId` and `WhatId`. Opportunities are activities of type `opportunity`,
 * updated in place under their Id.
 */
import type { EventRecord } from "../objects/event.js";
import type { OpportunityRecord } from "../objects/opportunity.js";
import type { TaskRecord } from "../objects/task.js";
import { cleanText } from "../quality/normalise.js";
import { compact, envelope, isNil, type CanonicalInput } from "./shared.js";

/** Records point at Accounts by these prefixes (vendor-apis.md §1.4). */
const ACCOUNT_PREFIX = "001";
const OPPORTUNITY_PREFIX = "006";

export function opportunity(raw: OpportunityRecord): CanonicalInput {
  return {
    kind: "activity",
    ...envelope(raw),
    type: "opportunity",
    channel: "crm",
    // When the deal was opened; stage, amount and close date change in place under the same externalId.
    occurredAt: raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({ subject: cleanText(raw.Name), accountExternalId: raw.AccountId }),
    properties: compact({
      object: "Opportunity",
      stage: raw.StageName,
      amount: raw.Amount,
      closeDate: raw.CloseDate,
      probability: raw.Probability,
      isClosed: raw.IsClosed === true,
      isWon: raw.IsWon === true,
      forecastCategory: raw.ForecastCategory,
      type: raw.Type,
      leadSource: raw.LeadSource,
      ownerId: raw.OwnerId,
    }),
  };
}

type ActivityShape = { type: string; channel: string; direction?: "inbound" | "outbound" | "internal" };

/** Type and channel from `TaskSubtype` first (set by Salesforce itself), then the editable `Type` picklist. */
export function taskShape(subtype: string | null | undefined, type: string | null | undefined, callType?: string | null): ActivityShape {
  const direction = callDirection(callType);
  switch (subtype) {
    case "Email":
      return { type: "email", channel: "email" };
    case "ListEmail":
      return { type: "email", channel: "email", direction: "outbound" };
    case "Call":
      return { type: "call", channel: "phone", ...direction };
    case "LinkedIn":
      return { type: "task", channel: "social" };
    default:
      break;
  }
  const typed = type?.trim().toLowerCase() ?? "";
  if (typed.includes("call")) return { type: "call", channel: "phone", ...direction };
  if (typed.includes("email")) return { type: "email", channel: "email" };
  if (typed.includes("meeting")) return { type: "meeting", channel: "meeting" };
  return { type: "task", channel: "task", ...direction };
}

function callDirection(callType: string | null | undefined): { direction?: "inbound" | "outbound" | "internal" } {
  switch (callType) {
    case "Inbound":
      return { direction: "inbound" };
    case "Outbound":
      return { direction: "outbound" };
    case "Internal":
      return { direction: "internal" };
    default:
      return {};
  }
}

/** `WhatId` names an Account or an Opportunity (or anything else); `AccountId` is Salesforce's own derivation. */
function links(raw: { WhoId?: string | null | undefined; WhatId?: string | null | undefined; AccountId?: string | null | undefined }) {
  const what = raw.WhatId ?? undefined;
  return {
    personExternalId: raw.WhoId ?? undefined,
    accountExternalId: raw.AccountId ?? (what?.startsWith(ACCOUNT_PREFIX) === true ? what : undefined),
    opportunityId: what?.startsWith(OPPORTUNITY_PREFIX) === true ? what : undefined,
  };
}

function dateAt(date: string | null | undefined): string | undefined {
  return isNil(date) ? undefined : `${date}T00:00:00.000Z`;
}

export function task(raw: TaskRecord): CanonicalInput {
  const { opportunityId, ...linked } = links(raw);
  return {
    kind: "activity",
    ...envelope(raw),
    ...taskShape(raw.TaskSubtype, raw.Type, raw.CallType),
    occurredAt: raw.CompletedDateTime ?? dateAt(raw.ActivityDate) ?? raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({
      subject: cleanText(raw.Subject),
      durationSeconds: isNil(raw.CallDurationInSeconds) || raw.CallDurationInSeconds < 0 ? undefined : raw.CallDurationInSeconds,
      ...linked,
    }),
    properties: compact({
      object: "Task",
      subtype: raw.TaskSubtype,
      taskType: raw.Type,
      status: raw.Status,
      priority: raw.Priority,
      callDisposition: raw.CallDisposition,
      isClosed: raw.IsClosed,
      isArchived: raw.IsArchived,
      dueDate: raw.ActivityDate,
      opportunityId,
      ownerId: raw.OwnerId,
    }),
  };
}

export function event(raw: EventRecord): CanonicalInput {
  const { opportunityId, ...linked } = links(raw);
  return {
    kind: "activity",
    ...envelope(raw),
    type: "meeting",
    channel: "meeting",
    occurredAt: raw.StartDateTime ?? raw.ActivityDateTime ?? dateAt(raw.ActivityDate) ?? raw.CreatedDate ?? raw.SystemModstamp,
    ...compact({
      subject: cleanText(raw.Subject),
      durationSeconds: isNil(raw.DurationInMinutes) || raw.DurationInMinutes < 0 ? undefined : raw.DurationInMinutes * 60,
      ...linked,
    }),
    properties: compact({
      object: "Event",
      subtype: raw.EventSubtype,
      eventType: raw.Type,
      endsAt: raw.EndDateTime,
      isAllDay: raw.IsAllDayEvent,
      location: cleanText(raw.Location),
      showAs: raw.ShowAs,
      isArchived: raw.IsArchived,
      opportunityId,
      ownerId: raw.OwnerId,
    }),
  };
}
