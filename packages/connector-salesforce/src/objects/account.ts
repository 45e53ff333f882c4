/** Account → account. */
import { z } from "zod";
import { optionalId, optionalNumber, optionalText, systemFields, SYSTEM_FIELD_NAMES } from "./shared.js";

export const ACCOUNT_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "Name",
  "Website",
  "Industry",
  "Type",
  "NumberOfEmployees",
  "AnnualRevenue",
  "Phone",
  "BillingCountry",
  "ParentId",
  "OwnerId",
] as const;

export const AccountRecordSchema = z.object({
  ...systemFields,
  Name: optionalText,
  Website: optionalText,
  Industry: optionalText,
  Type: optionalText,
  NumberOfEmployees: optionalNumber,
  AnnualRevenue: optionalNumber,
  Phone: optionalText,
  BillingCountry: optionalText,
  ParentId: optionalId,
  OwnerId: optionalId,
});
export type AccountRecord = z.output<typeof AccountRecordSchema>;
