import { describe, expect, it } from "vitest";
import { transformActivity } from "../src/transform/activity.js";
import { messageExternalId } from "../src/transform/message-event.js";
import { transformCustomer } from "../src/transform/person.js";
import { transformWebhookEvent } from "../src/transform/webhook-event.js";
import { splitActivityType } from "../src/vendor/metrics.js";
import { customerWithAttributes, emailClicked, emailClickedActivity, purchaseEventActivity } from "./examples.js";
import { quarantinedOf, record } from "./support.js";

describe("activity log entries", () => {
  it("splits <metric>_<channel> types, the log's `action` being a webhook step", () => {
    expect(splitActivityType("opened_email")).toEqual({ metric: "opened", channel: "email" });
    expect(splitActivityType("clicked_in_app")).toEqual({ metric: "clicked", channel: "in_app" });
    expect(splitActivityType("sent_action")).toEqual({ metric: "sent", channel: "webhook" });
    expect(splitActivityType("human_clicked_slack")).toEqual({ metric: "human_clicked", channel: "slack" });
    for (const type of ["attribute_change", "event", "page", "_o:1:relationship", "email"]) expect(splitActivityType(type)).toBeUndefined();
  });

  it("maps a message activity exactly as the webhook of the same event", () => {
    const pulled = record(transformActivity(emailClickedActivity));
    const pushed = record(transformWebhookEvent(emailClicked));
    expect(pulled).toEqual(pushed);
    expect(pulled.externalId).toBe(pushed.externalId);
  });

  it("keeps non-message entries as generic activities named after their type, keyed by the entry id", () => {
    const activity = record(transformActivity(purchaseEventActivity));
    expect(activity).toMatchObject({
      kind: "activity",
      externalId: `activity:${purchaseEventActivity.id}`,
      type: "event",
      channel: "event",
      subject: "purchase",
      personExternalId: "0200102",
      properties: { activityType: "event", name: "purchase", data: { amount: 42, currency: "EUR" }, cioId: "d9c106000001" },
    });
    expect(record(transformActivity({ ...purchaseEventActivity, type: "page", name: "/pricing" }))).toMatchObject({ channel: "web" });
    expect(record(transformActivity({ ...purchaseEventActivity, type: "attribute_change" }))).toMatchObject({ channel: "profile" });
  });

  it("falls back to the entry id when a message activity has no delivery id (nothing shared with a webhook then)", () => {
    const { delivery_id: _top, ...withoutTop } = emailClickedActivity;
    const { delivery_id: _data, ...data } = emailClickedActivity.data;
    expect(record(transformActivity({ ...withoutTop, data })).externalId).toBe(`activity:${emailClickedActivity.id}`);
  });

  it("quarantines an entry without a usable timestamp or id, naming it when it can", () => {
    const noTime = quarantinedOf(transformActivity({ id: "01X", type: "opened_email", timestamp: "yesterday" }));
    expect(noTime.externalId).toBe("activity:01X");
    expect(noTime.reasons.map((reason) => reason.path)).toContain("timestamp");
    expect(quarantinedOf(transformActivity({ type: "event", timestamp: 1 })).externalId).toBeUndefined();
    expect(quarantinedOf(transformActivity({ ...emailClickedActivity, data: { campaign_id: { nested: true } } })).reasons[0]?.path).toBe("campaign_id");
  });

  it("is pure: the same input gives the same output, the input untouched", () => {
    const input = structuredClone(emailClickedActivity);
    expect(transformActivity(input)).toEqual(transformActivity(input));
    expect(input).toEqual(emailClickedActivity);
  });
});

describe("externalId of a message event", () => {
  const base = { metric: "opened", channel: "email", timestamp: 1, deliveryId: "D1", fallbackId: "event:E" };

  it("is delivery and metric, and for a click also the link (by href, else link id)", () => {
    expect(messageExternalId(base)).toBe("D1:opened");
    expect(messageExternalId({ ...base, metric: "clicked" })).toBe("D1:clicked");
    expect(messageExternalId({ ...base, metric: "clicked", linkId: "7" })).toBe("D1:clicked:link_7");
    const a = messageExternalId({ ...base, metric: "clicked", href: "https://a.example", linkId: "7" });
    const b = messageExternalId({ ...base, metric: "clicked", href: "https://b.example", linkId: "7" });
    expect(a).not.toBe(b);
    expect(a).not.toContain("a.example");
  });

  it("falls back to the mode's own id without a delivery id", () => {
    expect(messageExternalId({ ...base, deliveryId: "  " })).toBe("event:E");
    expect(messageExternalId({ ...base, deliveryId: null })).toBe("event:E");
  });
});

describe("people", () => {
  it("maps attributes, identifiers and the newest attribute change", () => {
    expect(record(transformCustomer(customerWithAttributes))).toEqual({
      kind: "person",
      externalId: "0200102",
      email: "test@example.com",
      firstName: "Ada",
      lastName: "Lovelace",
      title: "CMO",
      remoteCreatedAt: new Date(1585000000 * 1000),
      remoteUpdatedAt: new Date(1585250000 * 1000),
      isDeleted: false,
      properties: { cioId: "d9c106000001", unsubscribed: false, attributes: { plan: "team" } },
    });
  });

  it("names a person without an id (email-first workspace) by cio_id, as a webhook for them would", () => {
    const emailFirst = { ...customerWithAttributes, id: null, identifiers: { email: "test@example.com", cio_id: "d9c106000001" }, attributes: { email: "test@example.com" } };
    expect(record(transformCustomer(emailFirst)).externalId).toBe("cio_d9c106000001");
  });

  it("follows a tenant's mapping override onto its own attribute", () => {
    const mappings = [
      { kind: "person" as const, sourceField: "person_id", targetField: "externalId", transform: "none" as const, required: true },
      { kind: "person" as const, sourceField: "attributes.firstName", targetField: "firstName", transform: "trim" as const, required: false },
    ];
    const custom = { ...customerWithAttributes, attributes: { firstName: " Grace " } };
    expect(record(transformCustomer(custom, mappings))).toMatchObject({ firstName: "Grace" });
  });

  it("quarantines a person with neither id nor cio_id, and one whose attributes are not an object", () => {
    expect(quarantinedOf(transformCustomer({ attributes: { email: "x@example.com" } })).reasons[0]?.path).toBe("person_id");
    expect(quarantinedOf(transformCustomer({ id: "1", attributes: "oops" })).reasons[0]?.path).toBe("attributes");
  });

  it("quarantines an invalid email through the canonical schema, with the reason", () => {
    const bad = { ...customerWithAttributes, identifiers: { id: "1" }, attributes: { email: "not-an-email" } };
    expect(quarantinedOf(transformCustomer(bad)).reasons[0]).toMatchObject({ path: "email" });
  });
});
