/**
 * The people on a message or meeting: internal (a verified domain of the tenant: the directory already has them)
 * or external, whose addresses become persons and whose company domains become accounts.
 */
import type { CanonicalAccount, CanonicalPerson } from "@gtm-clarity/core";
import type { EmailAddress } from "../graph/schemas.js";
import { accountExternalId, personExternalId } from "./ids.js";

/** Mailbox providers, not companies: their people get no account. */
const FREEMAIL = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
]);

export interface Participant {
  address: string;
  name?: string;
  domain: string;
  internal: boolean;
}

export function isInternal(domain: string, domains: ReadonlySet<string>): boolean {
  for (let candidate = domain; candidate !== ""; candidate = candidate.slice(candidate.indexOf(".") + 1)) {
    if (domains.has(candidate)) return true;
    if (!candidate.includes(".")) break;
  }
  return false;
}

export function participant(value: EmailAddress | null | undefined, domains: ReadonlySet<string>): Participant | undefined {
  const address = value?.emailAddress?.address?.trim().toLowerCase();
  if (address === undefined || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return undefined;
  const domain = address.slice(address.lastIndexOf("@") + 1);
  const name = value?.emailAddress?.name?.trim();
  return { address, domain, internal: isInternal(domain, domains), ...(name ? { name } : {}) };
}

export function participantsOf(
  values: readonly (EmailAddress | null | undefined)[],
  domains: ReadonlySet<string>,
): Participant[] {
  const byAddress = new Map<string, Participant>();
  for (const value of values) {
    const found = participant(value, domains);
    if (found !== undefined && !byAddress.has(found.address)) byAddress.set(found.address, found);
  }
  return [...byAddress.values()];
}

export function companyDomain(domain: string): string | undefined {
  return FREEMAIL.has(domain) ? undefined : domain;
}

/** External participants as persons and their companies as accounts. */
export function externalRecords(participants: readonly Participant[]): (CanonicalPerson | CanonicalAccount)[] {
  const records: (CanonicalPerson | CanonicalAccount)[] = [];
  for (const person of participants) {
    if (person.internal) continue;
    const company = companyDomain(person.domain);
    records.push({
      kind: "person",
      externalId: personExternalId(person.address),
      email: person.address,
      ...(person.name === undefined || person.name === person.address ? {} : { fullName: person.name }),
      isExternal: true,
      ...(company === undefined ? {} : { accountExternalId: accountExternalId(company) }),
      properties: { source: "participant" },
      isDeleted: false,
    });
    if (company !== undefined) {
      records.push({
        kind: "account",
        externalId: accountExternalId(company),
        domain: company,
        name: company,
        properties: {},
        isDeleted: false,
      });
    }
  }
  return records;
}

/** Who the activity is about: the first external participant (and their company), if any. */
export function counterpart(participants: readonly Participant[]): { personExternalId?: string; accountExternalId?: string } {
  const external = participants.find((person) => !person.internal);
  if (external === undefined) return {};
  const company = companyDomain(external.domain);
  return {
    personExternalId: personExternalId(external.address),
    ...(company === undefined ? {} : { accountExternalId: accountExternalId(company) }),
  };
}

export function directionOf(
  sender: Participant | undefined,
  participants: readonly Participant[],
  fallback: "inbound" | "outbound",
): "inbound" | "outbound" | "internal" {
  if (sender === undefined) return fallback;
  if (!sender.internal) return "inbound";
  return participants.every((person) => person.internal) ? "internal" : "outbound";
}
