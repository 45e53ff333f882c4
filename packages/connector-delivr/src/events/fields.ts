/**
 * Delivr's event fields under both names. The v1 Events API sends snake_case names; v2 applies "proxy transforms"
 * (title-casing and renaming, vendor-apis.md §5.2). Delivr publishes neither list with examples, so each field here
 * lists the v1 name first, then the v2 spelling, then the synonyms its other doc pages use. The first alias with a
 * value wins. `schema.ts` publishes the v1 names as the connector's field mappings.
 */
export const EVENT_FIELDS = {
  timestamp: ["timestamp", "Timestamp", "event_timestamp", "EventTimestamp", "ts", "created_at"],
  eventType: ["event_type", "EventType", "type", "Type", "event", "Event"],
  pixelId: ["pixel_id", "PixelId", "PixelID"],
  projectId: ["project_id", "ProjectId", "ProjectID"],
  url: ["page_url", "PageUrl", "PageURL", "url", "Url", "URL"],
  referrer: ["referrer", "Referrer", "referrer_url", "ReferrerUrl"],
  pageTitle: ["page_title", "PageTitle", "title_of_page"],
  visitorId: ["visitor_id", "VisitorId", "VisitorID", "uid", "Uid"],
  sessionId: ["session_id", "SessionId", "SessionID"],
  hem: ["hem", "Hem", "HEM", "sha256_email", "Sha256Email"],
  ip: ["ip_address", "IpAddress", "IPAddress", "ip", "Ip", "IP"],
  userAgent: ["user_agent", "UserAgent"],
  resolved: ["resolved", "Resolved", "is_resolved", "IsResolved"],
  email: ["business_email", "BusinessEmail", "email", "Email", "personal_email", "PersonalEmail"],
  firstName: ["first_name", "FirstName"],
  lastName: ["last_name", "LastName"],
  title: ["job_title", "JobTitle", "title", "Title"],
  seniority: ["seniority_level", "SeniorityLevel", "seniority", "Seniority"],
  department: ["department", "Department"],
  phone: ["phone", "Phone", "mobile_phone", "MobilePhone", "direct_number", "DirectNumber"],
  linkedinUrl: ["linkedin_url", "LinkedinUrl", "LinkedInUrl", "LinkedInURL"],
  companyName: ["company_name", "CompanyName"],
  companyDomain: ["company_domain", "CompanyDomain", "company_website", "CompanyWebsite"],
  companyIndustry: ["company_industry", "CompanyIndustry", "industry", "Industry"],
  companySize: ["company_employee_count", "CompanyEmployeeCount", "company_size", "CompanySize", "employee_count"],
  companyRevenue: ["company_revenue", "CompanyRevenue"],
  city: ["city", "City"],
  region: ["state", "State", "region", "Region"],
  country: ["country", "Country"],
} as const;

export type EventField = keyof typeof EVENT_FIELDS;

/** The v1 name of each field, for the published field mappings and the sandbox. */
export function v1Name(field: EventField): string {
  return EVENT_FIELDS[field][0];
}

/** The v2 name of each field (the sandbox's v2 rows use it). */
export function v2Name(field: EventField): string {
  return EVENT_FIELDS[field][1];
}

/** The first alias of `field` that holds a value (not null, not blank). */
export function readField(row: Readonly<Record<string, unknown>>, field: EventField): unknown {
  for (const name of EVENT_FIELDS[field]) {
    if (!Object.hasOwn(row, name)) continue;
    const value = row[name];
    if (value === null || value === undefined) continue;
    if (typeof value === "string" && value.trim() === "") continue;
    return value;
  }
  return undefined;
}
