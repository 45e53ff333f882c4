/** Raw rows of the fake source, the transform fixtures of testkit's tests. */
import type { FakeAccount, FakeActivity, FakePerson } from "./rows.js";

export const rawAccount: FakeAccount = {
  id: "acc_0001",
  name: "  Acme  ",
  website: "https://www.Acme.com/",
  industry: "Software",
  employees: 250,
  created_at: "2024-01-01T09:00:00.000Z",
  updated_at: "2024-02-01T09:00:00.000Z",
};

export const rawPerson: FakePerson = {
  id: "per_0001",
  email: "  Ada.Lovelace@ACME.com ",
  first_name: "Ada",
  last_name: "Lovelace",
  job_title: "VP Sales",
  phone: null,
  company_id: "acc_0001",
  deleted: false,
  created_at: "2024-01-01T09:12:00.000Z",
  updated_at: "2024-01-01T09:12:00.000Z",
};

export const rawActivity: FakeActivity = {
  id: "act_0001",
  type: "meeting",
  person_id: "per_0001",
  company_id: "acc_0001",
  subject: " Discovery call ",
  occurred_at: "2023-12-31T15:00:00.000Z",
  duration_seconds: 1800,
  created_at: "2024-01-01T10:00:00.000Z",
  updated_at: "2024-01-01T10:00:00.000Z",
};
