/**
 * Payloads shaped exactly like the examples Customer.io publishes (vendor-apis.md §3.1 quotes the customer event;
 * the message events follow the documented `data` fields, one source id each), and activity log entries for the same
 * events as the App API lists them.
 */

/** The published customer example, verbatim. */
export const publishedCustomerEvent = {
  event_id: "01E4C4CT6YDC7Y5M7FE1GWWPQJ",
  object_type: "customer",
  metric: "subscribed",
  timestamp: 1585250199,
  data: { customer_id: "0200102", identifiers: { id: "0200102" }, email_address: "test@example.com" },
};

/** An email click from a campaign (campaign_id + action_id), with href and link_id. */
export const emailClicked = {
  event_id: "01E4C4HDQ7VJKQ8W3EJ6G4YH8X",
  object_type: "email",
  metric: "clicked",
  timestamp: 1585250371,
  data: {
    customer_id: "0200102",
    identifiers: { id: "0200102", email: "test@example.com", cio_id: "d9c106000001" },
    delivery_id: "RAECAAFwnUSneIa0ZXkmq8EdkAM==",
    campaign_id: 23,
    action_id: 96,
    recipient: "test@example.com",
    subject: "Did you get that thing I sent you?",
    href: "https://example.com/pricing?utm_campaign=spring",
    link_id: 1,
  },
};

/** A bounced email from a broadcast, with a failure message. */
export const emailBounced = {
  event_id: "01E4C4KX3PR8S5Y7M2ZQW9N0AB",
  object_type: "email",
  metric: "bounced",
  timestamp: 1585250400,
  data: {
    customer_id: "0200103",
    identifiers: { id: "0200103" },
    delivery_id: "RAECAAFwnUSneIa0ZXkmq8EdkAN==",
    broadcast_id: 4,
    action_id: 12,
    recipient: "gone@example.com",
    subject: "Spring update",
    failure_message: "550 5.1.1 The email account that you tried to reach does not exist",
  },
};

/** A push delivered from a newsletter (newsletter_id + content_id). */
export const pushDelivered = {
  event_id: "01E4C4MB2W6Y8Z0A1B2C3D4E5F",
  object_type: "push",
  metric: "delivered",
  timestamp: 1585250500,
  data: {
    customer_id: "0200104",
    identifiers: { id: "0200104" },
    delivery_id: "RMAEAAFwnUSneIa0ZXkmq8EdkAP==",
    newsletter_id: 8,
    content_id: 3,
    recipient: "device-token-1",
  },
};

/** A transactional SMS that failed. */
export const smsFailed = {
  event_id: "01E4C4N0ZZ6Y8Z0A1B2C3D4E5G",
  object_type: "sms",
  metric: "failed",
  timestamp: 1585250600,
  data: {
    customer_id: "",
    identifiers: { email: "sms@example.com", cio_id: "d9c106000009" },
    delivery_id: "RSAEAAFwnUSneIa0ZXkmq8EdkAQ==",
    transactional_message_id: 2,
    recipient: "+14155552671",
    failure_message: "Invalid phone number",
  },
};

/** The activity log entry for the same click as `emailClicked`. */
export const emailClickedActivity = {
  id: "01E4C4HDQ8K9M2N3P4Q5R6S7T8",
  type: "clicked_email",
  timestamp: 1585250371,
  customer_id: "0200102",
  customer_identifiers: { id: "0200102", email: "test@example.com", cio_id: "d9c106000001" },
  delivery_id: "RAECAAFwnUSneIa0ZXkmq8EdkAM==",
  delivery_type: "email",
  data: {
    delivery_id: "RAECAAFwnUSneIa0ZXkmq8EdkAM==",
    campaign_id: 23,
    action_id: 96,
    recipient: "test@example.com",
    subject: "Did you get that thing I sent you?",
    href: "https://example.com/pricing?utm_campaign=spring",
    link_id: 1,
  },
};

/** A customer event in the log that is not a message. */
export const purchaseEventActivity = {
  id: "01E4C4P1AA6Y8Z0A1B2C3D4E5H",
  type: "event",
  name: "purchase",
  timestamp: 1585250700,
  customer_id: "0200102",
  customer_identifiers: { id: "0200102", email: "test@example.com", cio_id: "d9c106000001" },
  data: { amount: 42, currency: "EUR" },
};

/** A person as `POST /v1/customers/attributes` returns one. */
export const customerWithAttributes = {
  id: "0200102",
  identifiers: { id: "0200102", email: "test@example.com", cio_id: "d9c106000001" },
  attributes: {
    id: "0200102",
    cio_id: "d9c106000001",
    email: "Test@Example.com",
    first_name: "Ada",
    last_name: "Lovelace",
    title: "CMO",
    created_at: "1585000000",
    plan: "team",
  },
  timestamps: { id: 1585000000, email: 1585000000, plan: 1585250000 },
  unsubscribed: false,
  devices: [],
};
