/**
 * The sandbox's workspace: people and the message events that happened to them, generated from a seed. One
 * `SandboxEvent` is rendered two ways, exactly as Customer.io shows the same event twice: as a reporting webhook body
 * (`toWebhookBody`) and as an activity log entry (`toActivity`). Message events carry exactly one source (campaign +
 * action, broadcast + action, newsletter + content, or a transactional message), as Customer.io's do.
 */
import { randomBytes } from "node:crypto";
import { itemSeed, SeededRandom } from "@gtm-clarity/testkit/sandbox";

export const DAY_SECONDS = 86_400;
/** What the activity log still serves. */
export const HISTORY_DAYS = 30;

export interface SandboxPerson {
  /** Empty in an email-first workspace (every 7th person here). */
  id: string;
  cio_id: string;
  email: string;
  attributes: Record<string, string>;
  /** Unix seconds: when each attribute last changed. */
  timestamps: Record<string, number>;
  unsubscribed: boolean;
}

export type SandboxSource =
  | { campaign_id: number; action_id: number }
  | { broadcast_id: number; action_id: number }
  | { newsletter_id: number; content_id: number }
  | { transactional_message_id: number };

export interface SandboxEvent {
  /** The reporting webhook's event_id (a ULID). */
  eventId: string;
  /** The activity log entry's id: another ULID, since the log is another system. */
  activityId: string;
  /** `email`, `push`, `sms`, `in_app`, `slack`, `webhook`, or `customer`; generic log entries use `activityType`. */
  objectType: string;
  metric: string;
  /** Unix seconds. */
  timestamp: number;
  person: SandboxPerson;
  deliveryId?: string;
  source?: SandboxSource;
  subject?: string;
  href?: string;
  linkId?: number;
  failureMessage?: string;
  /** For entries that exist only in the activity log (events, page views, attribute changes). */
  activityType?: string;
  name?: string;
  /** Served malformed (no timestamp): a sync must quarantine it. */
  malformed?: boolean;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID: 48-bit milliseconds, then 80 bits of randomness from `random`. */
export function ulid(ms: number, random: () => number): string {
  let time = "";
  let rest = ms;
  for (let index = 0; index < 10; index += 1) {
    time = CROCKFORD[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  let tail = "";
  for (let index = 0; index < 16; index += 1) tail += CROCKFORD[Math.floor(random() * 32)];
  return time + tail;
}

export function makePerson(seed: number, index: number, nowSeconds: number): SandboxPerson {
  const random = SeededRandom.forItem(seed, index);
  const name = random.person();
  const company = random.company();
  const email = random.email(name, company.domain);
  const created = nowSeconds - random.int(40, 400) * DAY_SECONDS;
  const updated = nowSeconds - random.int(31, 39) * DAY_SECONDS;
  const emailFirst = index % 7 === 6;
  const id = emailFirst ? "" : `cust_${seed}_${index}`;
  const cioId = `${(seed * 1_000_003 + index).toString(16).padStart(8, "0")}${random.hex(2)}`;
  const attributes: Record<string, string> = {
    ...(emailFirst ? {} : { id }),
    cio_id: cioId,
    email,
    first_name: name.first,
    last_name: name.last,
    title: random.pick(["VP Marketing", "Growth Lead", "Lifecycle Manager", "CMO", "Engineer"]),
    company: company.name,
    created_at: String(created),
    plan: random.pick(["free", "team", "enterprise"]),
  };
  const timestamps = Object.fromEntries(Object.keys(attributes).map((key) => [key, key === "created_at" ? created : updated]));
  return { id, cio_id: cioId, email, attributes, timestamps, unsubscribed: random.bool(0.1) };
}

const CHANNELS = ["email", "email", "email", "push", "sms", "in_app", "slack", "webhook"] as const;
const FUNNEL = ["sent", "delivered", "opened", "clicked", "converted"] as const;
const FAILURES = ["bounced", "spammed", "dropped", "failed", "undeliverable", "deferred", "unsubscribed", "attempted", "drafted"] as const;

function source(random: SeededRandom): SandboxSource {
  switch (random.int(0, 3)) {
    case 0:
      return { campaign_id: random.int(1, 40), action_id: random.int(1, 400) };
    case 1:
      return { broadcast_id: random.int(1, 20), action_id: random.int(1, 200) };
    case 2:
      return { newsletter_id: random.int(1, 30), content_id: random.int(1, 90) };
    default:
      return { transactional_message_id: random.int(1, 15) };
  }
}

/**
 * The events of one delivery: a funnel prefix (sent, delivered, opened, clicked, converted) or a failure. Every
 * (delivery, metric) pair occurs once, so every event is one record.
 */
export function makeDelivery(
  seed: number,
  index: number,
  person: SandboxPerson,
  startSeconds: number,
  maxStepSeconds = 3_600,
): SandboxEvent[] {
  const random = SeededRandom.forItem(seed ^ 0x5eed, index);
  const channel = random.pick(CHANNELS);
  const deliveryId = Buffer.from(`delivery:${seed}:${index}`).toString("base64url");
  const common = { objectType: channel, person, deliveryId, source: source(random), subject: `Offer ${index} for ${person.attributes["first_name"] ?? "you"}` };
  const metrics: string[] = random.bool(0.15) ? ["sent", random.pick(FAILURES)] : FUNNEL.slice(0, random.int(1, FUNNEL.length));
  let at = startSeconds;
  return metrics.map((metric, step) => {
    at += step === 0 ? 0 : random.int(1, maxStepSeconds);
    const event: SandboxEvent = {
      ...common,
      eventId: ulid(at * 1000, () => random.next()),
      activityId: ulid(at * 1000 + 1, () => random.next()),
      metric,
      timestamp: at,
    };
    if (metric === "clicked") {
      event.linkId = random.int(1, 9);
      event.href = `https://example.com/offer/${index}?utm_source=cio&l=${event.linkId}`;
    }
    if (["bounced", "failed", "attempted", "undeliverable", "dropped"].includes(metric)) event.failureMessage = "550 mailbox unavailable";
    return event;
  });
}

/** Log entries that are not messages: an event, a page view and an attribute change. */
export function makeGenericEntry(seed: number, index: number, person: SandboxPerson, at: number): SandboxEvent {
  const random = SeededRandom.forItem(seed ^ 0x9e11, index);
  const activityType = random.pick(["event", "page", "attribute_change"]);
  const name = activityType === "event" ? "purchase" : activityType === "page" ? "/pricing" : "plan";
  return {
    eventId: ulid(at * 1000, () => random.next()),
    activityId: ulid(at * 1000 + 2, () => random.next()),
    objectType: "activity",
    metric: activityType,
    activityType,
    name,
    timestamp: at,
    person,
  };
}

/** The body of a reporting webhook for `event`, shaped like Customer.io's published example. */
export function toWebhookBody(event: SandboxEvent): Record<string, unknown> {
  const { person } = event;
  const identifiers = { ...(person.id === "" ? {} : { id: person.id }), email: person.email, cio_id: person.cio_id };
  if (event.objectType === "customer") {
    return {
      event_id: event.eventId,
      object_type: "customer",
      metric: event.metric,
      timestamp: event.timestamp,
      data: { customer_id: person.id, identifiers, email_address: person.email },
    };
  }
  return {
    event_id: event.eventId,
    object_type: event.objectType,
    metric: event.metric,
    timestamp: event.timestamp,
    data: {
      customer_id: person.id,
      identifiers,
      delivery_id: event.deliveryId,
      ...event.source,
      recipient: event.objectType === "email" ? person.email : person.cio_id,
      ...(event.subject === undefined ? {} : { subject: event.subject }),
      ...(event.href === undefined ? {} : { href: event.href, link_id: event.linkId }),
      ...(event.failureMessage === undefined ? {} : { failure_message: event.failureMessage }),
    },
  };
}

/** The same event as an entry of `GET /v1/activities`. */
export function toActivity(event: SandboxEvent): Record<string, unknown> {
  const { person } = event;
  const identifiers = { id: person.id === "" ? null : person.id, email: person.email, cio_id: person.cio_id };
  const base = {
    id: event.activityId,
    customer_id: person.id,
    customer_identifiers: identifiers,
    ...(event.malformed === true ? {} : { timestamp: event.timestamp }),
  };
  if (event.activityType !== undefined) {
    return { ...base, type: event.activityType, name: event.name, data: event.activityType === "event" ? { amount: 42, currency: "EUR" } : {} };
  }
  // The log names a webhook step an "action".
  const suffix = event.objectType === "webhook" ? "action" : event.objectType;
  return {
    ...base,
    type: `${event.metric}_${suffix}`,
    delivery_id: event.deliveryId,
    delivery_type: event.objectType,
    data: {
      delivery_id: event.deliveryId,
      ...event.source,
      recipient: event.objectType === "email" ? person.email : person.cio_id,
      ...(event.subject === undefined ? {} : { subject: event.subject }),
      ...(event.href === undefined ? {} : { href: event.href, link_id: event.linkId }),
      ...(event.failureMessage === undefined ? {} : { failure_message: event.failureMessage }),
    },
  };
}

export interface Workspace {
  people: SandboxPerson[];
  /** Newest first, as the log serves them (older than 30 days included; the server hides those). */
  events: SandboxEvent[];
}

/** Order of the activity log: newest first, ties by activity id descending. */
export function newestFirst(a: SandboxEvent, b: SandboxEvent): number {
  return b.timestamp - a.timestamp || (b.activityId < a.activityId ? -1 : b.activityId > a.activityId ? 1 : 0);
}

/**
 * `size` people, about two deliveries each spread over the last 35 days (so some history is older than the log keeps),
 * a generic log entry for every third person, and one malformed entry.
 */
export function makeWorkspace(seed: number, size: number, nowSeconds: number): Workspace {
  const people = Array.from({ length: size }, (_, index) => makePerson(seed, index, nowSeconds));
  const events: SandboxEvent[] = [];
  const random = new SeededRandom(itemSeed(seed, 424_242));
  const span = 35 * DAY_SECONDS;
  people.forEach((person, index) => {
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const start = nowSeconds - random.int(2 * 3_600, span);
      events.push(...makeDelivery(seed, index * 2 + delivery, person, start).filter((event) => event.timestamp < nowSeconds - 60));
    }
    if (index % 3 === 0) events.push(makeGenericEntry(seed, index, person, nowSeconds - random.int(3_600, span)));
  });
  const [first] = people;
  if (first !== undefined) {
    const bad = makeGenericEntry(seed, size + 1, first, nowSeconds - 3 * 3_600);
    events.push({ ...bad, malformed: true });
  }
  return { people, events: events.sort(newestFirst) };
}

/** A fresh random id for one-off events (`addNewData`). */
export function freshSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}
