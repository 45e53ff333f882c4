/** Event → activity of type `meeting`. `Description` is never selected. */
import { z } from "zod";
import {
  optionalBoolean,
  optionalId,
  optionalNumber,
  optionalText,
  SalesforceDate,
  SalesforceDateTime,
  systemFields,
  SYSTEM_FIELD_NAMES,
} from "./shared.js";

export const EVENT_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "WhoId",
  "WhatId",
  "AccountId",
  "Subject",
  "StartDateTime",
  "EndDateTime",
  "ActivityDateTime",
  "ActivityDate",
  "DurationInMinutes",
  "IsAllDayEvent",
  "Location",
  "EventSubtype",
  "Type",
  "ShowAs",
  "IsArchived",
  "OwnerId",
] as const;

export const EventRecordSchema = z.object({
  ...systemFields,
  WhoId: optionalId,
  WhatId: optionalId,
  AccountId: optionalId,
  Subject: optionalText,
  StartDateTime: SalesforceDateTime.nullish(),
  EndDateTime: SalesforceDateTime.nullish(),
  ActivityDateTime: SalesforceDateTime.nullish(),
  ActivityDate: SalesforceDate.nullish(),
  DurationInMinutes: optionalNumber,
  IsAllDayEvent: optionalBoolean,
  Location: optionalText,
  EventSubtype: optionalText,
  Type: optionalText,
  ShowAs: optionalText,
  IsArchived: optionalBoolean,
  OwnerId: optionalId,
});
export type EventRecord = z.output<typeof EventRecordSchema>;
