/** Lead → person (and, for a Lead without an account, an account made from its Company and Website). */
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

export const LEAD_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "FirstName",
  "LastName",
  "Company",
  "Email",
  "Phone",
  "Title",
  "Status",
  "LeadSource",
  "Industry",
  "Website",
  "NumberOfEmployees",
  "Country",
  "IsConverted",
  "ConvertedDate",
  "ConvertedContactId",
  "ConvertedAccountId",
  "HasOptedOutOfEmail",
  "OwnerId",
] as const;

export const LeadRecordSchema = z.object({
  ...systemFields,
  FirstName: optionalText,
  LastName: optionalText,
  Company: optionalText,
  Email: optionalText,
  Phone: optionalText,
  Title: optionalText,
  Status: optionalText,
  LeadSource: optionalText,
  Industry: optionalText,
  Website: optionalText,
  NumberOfEmployees: optionalNumber,
  Country: optionalText,
  IsConverted: optionalBoolean,
  ConvertedDate: SalesforceDate.nullish(),
  ConvertedContactId: optionalId,
  ConvertedAccountId: optionalId,
  HasOptedOutOfEmail: optionalBoolean,
  OwnerId: optionalId,
});
export type LeadRecord = z.output<typeof LeadRecordSchema>;
