/**
 * Microsoft Graph's shapes, as the delta responses send them (vendor-apis.md §2.2). Items stay `unknown` in the
 * envelope and are validated one by one in the transform, so one malformed item is quarantined while its page goes
 * through. Only what a canonical record cannot exist without is required (an id, a time); unknown fields, body,
 * bodyPreview and uniqueBody among them, are stripped by zod and never read.
 */
import { z } from "zod";

/** `{ "@odata.context", value, "@odata.nextLink" | "@odata.deltaLink" }`: exactly one of the two links. */
export const DeltaPageSchema = z
  .object({
    value: z.array(z.unknown()),
    "@odata.nextLink": z.string().min(1).optional(),
    "@odata.deltaLink": z.string().min(1).optional(),
  })
  .refine((page) => (page["@odata.nextLink"] === undefined) !== (page["@odata.deltaLink"] === undefined), {
    message: "a delta page carries exactly one of @odata.nextLink and @odata.deltaLink",
  });
export type DeltaPage = z.output<typeof DeltaPageSchema>;

/** The error envelope; `innerError` casing varies and is not read. */
export const GraphErrorSchema = z.object({
  error: z.object({ code: z.string().optional(), message: z.string().optional() }),
});
export type GraphError = z.output<typeof GraphErrorSchema>;

export const RemovedSchema = z.object({
  id: z.string().min(1),
  "@removed": z.object({ reason: z.string().optional() }),
});

export const EmailAddressSchema = z.object({
  emailAddress: z
    .object({ name: z.string().nullish(), address: z.string().nullish() })
    .nullish(),
});
export type EmailAddress = z.output<typeof EmailAddressSchema>;

export const GraphUserSchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  givenName: z.string().nullish(),
  surname: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  jobTitle: z.string().nullish(),
  department: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});
export type GraphUser = z.output<typeof GraphUserSchema>;

const recipients = z.array(EmailAddressSchema).nullish();
const graphDate = z.iso.datetime({ offset: true });

export const GraphMessageSchema = z.object({
  id: z.string().min(1),
  internetMessageId: z.string().nullish(),
  conversationId: z.string().nullish(),
  parentFolderId: z.string().nullish(),
  subject: z.string().nullish(),
  from: EmailAddressSchema.nullish(),
  sender: EmailAddressSchema.nullish(),
  toRecipients: recipients,
  ccRecipients: recipients,
  bccRecipients: recipients,
  sentDateTime: graphDate.nullish(),
  receivedDateTime: graphDate.nullish(),
  lastModifiedDateTime: graphDate.nullish(),
  isDraft: z.boolean().nullish(),
});
export type GraphMessage = z.output<typeof GraphMessageSchema>;

/** `{dateTime, timeZone}`: the dateTime has no offset; we ask for UTC (`Prefer: outlook.timezone="UTC"`). */
export const DateTimeTimeZoneSchema = z.object({
  dateTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/, "dateTime without an offset"),
  timeZone: z.string().nullish(),
});

export const GraphEventSchema = z.object({
  id: z.string().min(1),
  iCalUId: z.string().nullish(),
  subject: z.string().nullish(),
  start: DateTimeTimeZoneSchema,
  end: DateTimeTimeZoneSchema.nullish(),
  isAllDay: z.boolean().nullish(),
  isCancelled: z.boolean().nullish(),
  type: z.string().nullish(),
  organizer: EmailAddressSchema.nullish(),
  attendees: z
    .array(EmailAddressSchema.extend({ type: z.string().nullish() }))
    .nullish(),
  onlineMeeting: z.object({ joinUrl: z.string().nullish() }).nullish(),
  lastModifiedDateTime: graphDate.nullish(),
});
export type GraphEvent = z.output<typeof GraphEventSchema>;

export const OrganizationSchema = z.object({
  value: z.array(
    z.object({
      verifiedDomains: z.array(z.object({ name: z.string().min(1) })).default([]),
    }),
  ),
});

export const MeSchema = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish() });
