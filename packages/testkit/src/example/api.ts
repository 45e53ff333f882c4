/**
 * The example source's REST API as it appears on the wire (snake_case JSON), validated with zod.
 * The sandbox serves exactly these shapes; the connector parses them with these schemas.
 */
import { z } from "zod";

export const EXAMPLE_STREAMS = ["accounts", "people", "activities"] as const;
export type ExampleStream = (typeof EXAMPLE_STREAMS)[number];

export const ExampleAccountSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  website: z.string().nullable(),
  industry: z.string().nullable(),
  employees: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const ExamplePersonSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  job_title: z.string().nullable(),
  phone: z.string().nullable(),
  company_id: z.string().nullable(),
  deleted: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const EXAMPLE_ACTIVITY_TYPES = ["email_sent", "email_opened", "meeting", "page_view"] as const;

export const ExampleActivitySchema = z.object({
  id: z.string(),
  type: z.enum(EXAMPLE_ACTIVITY_TYPES),
  person_id: z.string().nullable(),
  company_id: z.string().nullable(),
  subject: z.string().nullable(),
  occurred_at: z.string(),
  duration_seconds: z.number().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export type ExampleAccount = z.output<typeof ExampleAccountSchema>;
export type ExamplePerson = z.output<typeof ExamplePersonSchema>;
export type ExampleActivity = z.output<typeof ExampleActivitySchema>;

export interface ExampleRowByStream {
  accounts: ExampleAccount;
  people: ExamplePerson;
  activities: ExampleActivity;
}

const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const ExamplePageSchemas = {
  accounts: page(ExampleAccountSchema),
  people: page(ExamplePersonSchema),
  activities: page(ExampleActivitySchema),
} as const;

export const ExampleMeSchema = z.object({ workspace: z.string(), plan: z.string() });

/** Largest `limit` the API accepts. */
export const EXAMPLE_MAX_PAGE_SIZE = 100;
