/** Task → activity (email, call or task by `TaskSubtype`/`Type`). `Description` is never selected: it can hold email text. */
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

export const TASK_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "WhoId",
  "WhatId",
  "AccountId",
  "Subject",
  "ActivityDate",
  "Status",
  "Priority",
  "TaskSubtype",
  "Type",
  "CallType",
  "CallDurationInSeconds",
  "CallDisposition",
  "IsClosed",
  "IsArchived",
  "CompletedDateTime",
  "OwnerId",
] as const;

export const TaskRecordSchema = z.object({
  ...systemFields,
  WhoId: optionalId,
  WhatId: optionalId,
  AccountId: optionalId,
  Subject: optionalText,
  ActivityDate: SalesforceDate.nullish(),
  Status: optionalText,
  Priority: optionalText,
  TaskSubtype: optionalText,
  Type: optionalText,
  CallType: optionalText,
  CallDurationInSeconds: optionalNumber,
  CallDisposition: optionalText,
  IsClosed: optionalBoolean,
  IsArchived: optionalBoolean,
  CompletedDateTime: SalesforceDateTime.nullish(),
  OwnerId: optionalId,
});
export type TaskRecord = z.output<typeof TaskRecordSchema>;
