/**
 * People: a customer from `POST /v1/customers/attributes`, or the person a customer reporting webhook
 * (`subscribed`, `unsubscribed`, `cio_subscription_preferences_changed`) is about. Both go through the same field
 * mappings over the same flat view; attribute names are the common Customer.io ones (`first_name`, `last_name`, …)
 * and a tenant can point a mapping at its own attribute (`attributes.firstName`).
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { CustomerSchema, type WebhookEventPayload } from "../vendor/payloads.js";
import { personExternalId } from "./identity.js";
import { buildRecord, quarantine, schemaQuarantine, type TransformResult } from "./record.js";

export const personMappings: FieldMapping[] = [
  { kind: "person", sourceField: "person_id", targetField: "externalId", transform: "none", required: true },
  { kind: "person", sourceField: "email", targetField: "email", transform: "lowercase", required: false },
  { kind: "person", sourceField: "attributes.first_name", targetField: "firstName", transform: "trim", required: false },
  { kind: "person", sourceField: "attributes.last_name", targetField: "lastName", transform: "trim", required: false },
  { kind: "person", sourceField: "attributes.title", targetField: "title", transform: "trim", required: false },
  { kind: "person", sourceField: "attributes.phone", targetField: "phone", transform: "trim", required: false },
  { kind: "person", sourceField: "created_at", targetField: "remoteCreatedAt", transform: "none", required: false },
  { kind: "person", sourceField: "updated_at", targetField: "remoteUpdatedAt", transform: "none", required: false },
];

/** Attributes the default mappings read: every other attribute travels in `properties.attributes`. */
const MAPPED_ATTRIBUTES = new Set(["email", "first_name", "last_name", "title", "phone", "created_at", "id", "cio_id"]);

/** Unix seconds as a number or a digit string (attributes are often strings) -> epoch ms; undefined otherwise. */
function secondsToMs(value: unknown): number | undefined {
  const seconds = typeof value === "string" && /^\d{1,12}$/.test(value.trim()) ? Number(value) : value;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

export function transformCustomer(raw: unknown, mappings: readonly FieldMapping[] = personMappings): TransformResult {
  const parsed = CustomerSchema.safeParse(raw);
  if (!parsed.success) return schemaQuarantine(raw, parsed.error);
  const customer = parsed.data;
  const { attributes } = customer;
  const identifiers = {
    id: customer.identifiers?.id ?? stringOf(attributes["id"]) ?? (customer.id === null || customer.id === undefined ? undefined : String(customer.id)),
    email: customer.identifiers?.email ?? stringOf(attributes["email"]),
    cio_id: customer.identifiers?.cio_id ?? stringOf(attributes["cio_id"]),
  };
  const changes = Object.values(customer.timestamps ?? {}).filter((value): value is number => typeof value === "number" && Number.isFinite(value));
  const view = {
    person_id: personExternalId(undefined, identifiers),
    email: identifiers.email ?? undefined,
    attributes,
    created_at: secondsToMs(attributes["created_at"]),
    updated_at: changes.length === 0 ? undefined : Math.max(...changes) * 1000,
  };
  const extra = Object.fromEntries(Object.entries(attributes).filter(([name]) => !MAPPED_ATTRIBUTES.has(name)));
  const properties = {
    ...(identifiers.cio_id ? { cioId: identifiers.cio_id } : {}),
    ...(customer.unsubscribed === null || customer.unsubscribed === undefined ? {} : { unsubscribed: customer.unsubscribed }),
    ...(Object.keys(extra).length === 0 ? {} : { attributes: extra }),
  };
  return buildRecord("person", view, properties, mappings, raw);
}

/**
 * A customer reporting event as a person update: who (id, email), and the subscription state it reports. It is a
 * partial record: the store merges it over the person a pull stored, so the names and attributes the event does not
 * carry are kept, not cleared.
 */
export function transformCustomerEvent(event: WebhookEventPayload, raw: unknown, mappings: readonly FieldMapping[] = personMappings): TransformResult {
  const { data } = event;
  const id = personExternalId(data.customer_id, data.identifiers);
  if (id === undefined) {
    return quarantine(raw, [{ path: "data.identifiers", message: "a customer event needs data.customer_id, identifiers.id or identifiers.cio_id" }]);
  }
  const subscription =
    event.metric === "subscribed" ? { unsubscribed: false } : event.metric === "unsubscribed" ? { unsubscribed: true } : {};
  const view = {
    person_id: id,
    email: data.email_address ?? data.identifiers?.email ?? undefined,
    attributes: {},
    updated_at: event.timestamp * 1000,
  };
  const properties = {
    ...(data.identifiers?.cio_id ? { cioId: data.identifiers.cio_id } : {}),
    ...subscription,
    lastCustomerEvent: event.metric,
  };
  return buildRecord("person", view, properties, mappings, raw, { partial: true });
}
