/** Contact → person. */
import { z } from "zod";
import { optionalBoolean, optionalId, optionalText, systemFields, SYSTEM_FIELD_NAMES } from "./shared.js";

export const CONTACT_FIELDS = [
  ...SYSTEM_FIELD_NAMES,
  "FirstName",
  "LastName",
  "Email",
  "Phone",
  "MobilePhone",
  "Title",
  "Department",
  "AccountId",
  "LeadSource",
  "HasOptedOutOfEmail",
  "DoNotCall",
  "MailingCountry",
  "OwnerId",
] as const;

export const ContactRecordSchema = z.object({
  ...systemFields,
  FirstName: optionalText,
  LastName: optionalText,
  Email: optionalText,
  Phone: optionalText,
  MobilePhone: optionalText,
  Title: optionalText,
  Department: optionalText,
  AccountId: optionalId,
  LeadSource: optionalText,
  HasOptedOutOfEmail: optionalBoolean,
  DoNotCall: optionalBoolean,
  MailingCountry: optionalText,
  OwnerId: optionalId,
});
export type ContactRecord = z.output<typeof ContactRecordSchema>;
