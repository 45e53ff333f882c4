/** Opportunity → an account-linked activity of type `opportunity`, updated in place. */
import { z } from "zod";
import {
  optionalBoolean,
  optionalId,
  optionalNumber,
  optionalText,
  SalesforceDate,
  systemFields,
  SYSTEM_FIELD_NAMES,
} from "./shared.js";

export const OPPORTUNITY_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "AccountId",
  "Name",
  "StageName",
  "Amount",
  "CloseDate",
  "Probability",
  "IsClosed",
  "IsWon",
  "ForecastCategory",
  "Type",
  "LeadSource",
  "OwnerId",
] as const;

export const OpportunityRecordSchema = z.object({
  ...systemFields,
  AccountId: optionalId,
  Name: optionalText,
  StageName: optionalText,
  Amount: optionalNumber,
  CloseDate: SalesforceDate.nullish(),
  Probability: optionalNumber,
  IsClosed: optionalBoolean,
  IsWon: optionalBoolean,
  ForecastCategory: optionalText,
  Type: optionalText,
  LeadSource: optionalText,
  OwnerId: optionalId,
});
export type OpportunityRecord = z.output<typeof OpportunityRecordSchema>;
