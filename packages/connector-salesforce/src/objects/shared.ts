/** What every Salesforce object's records share: ids, datetimes as Salesforce writes them, the system fields. */
import { z } from "zod";

/** 15- or 18-character record ids (the API returns 18). */
export const SalesforceId = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, "not a Salesforce id");

/**
 * Salesforce datetimes: `2024-05-01T12:00:00.000+0000` (an offset without a colon, which ISO parsers in zod refuse)
 * or with `Z`; normalised to `toISOString` form.
 */
export const SalesforceDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/, "not a Salesforce datetime")
  .transform((value, ctx) => {
    const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "not a valid datetime" });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** Date-only fields (`ActivityDate`, `CloseDate`): `2024-05-01`. */
export const SalesforceDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "not a Salesforce date");

const text = z.string().nullish();
export const optionalText = text;
export const optionalNumber = z.number().nullish();
export const optionalBoolean = z.boolean().nullish();
export const optionalId = SalesforceId.nullish();

/** The system fields every synced object carries; `SystemModstamp` drives the watermark. */
export const systemFields = {
  Id: SalesforceId,
  SystemModstamp: SalesforceDateTime,
  CreatedDate: SalesforceDateTime.nullish(),
  IsDeleted: z.boolean().nullish(),
};

export const SYSTEM_FIELD_NAMES = ["Id", "IsDeleted", "CreatedDate", "SystemModstamp"] as const;
