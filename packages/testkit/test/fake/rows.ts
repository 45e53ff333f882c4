/** The fake source's rows, shaped like a typical vendor's snake_case JSON. */
export interface FakeAccount {
  id: string;
  name: string | null;
  website: string | null;
  industry: string | null;
  employees: number | null;
  created_at: string;
  updated_at: string;
}

export interface FakePerson {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  phone: string | null;
  company_id: string | null;
  deleted: boolean;
  created_at: string;
  updated_at: string;
}

export interface FakeActivity {
  id: string;
  type: "email_sent" | "email_opened" | "meeting" | "page_view";
  person_id: string | null;
  company_id: string | null;
  subject: string | null;
  occurred_at: string;
  duration_seconds: number | null;
  created_at: string;
  updated_at: string;
}
