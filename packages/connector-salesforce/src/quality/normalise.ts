/**
 * Pure normalisers for the values CRMs get wrong most: emails, phones, websites, names and countries. Each returns
 * the normalised value (or undefined for an empty one) and never throws; `invalid` marks a value that cannot be
 * made valid (an email without an @), which the pipeline quarantines with the reason.
 */
import { getCountries, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";

export type Normalised<T> = { value: T | undefined; invalid?: string };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

/** `" <Jane.Doe@Example.COM> "` and `mailto:jane.doe@example.com` both become `jane.doe@example.com`. */
export function normaliseEmail(raw: string | null | undefined): Normalised<string> {
  const trimmed = raw?.trim() ?? "";
  if (trimmed === "") return { value: undefined };
  const value = trimmed.replace(/^mailto:/i, "").replace(/^<(.*)>$/, "$1").trim().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) return { value: undefined, invalid: "not an email address" };
  return { value };
}

const COUNTRY_CODES: ReadonlySet<string> = new Set(getCountries());
/** Names and ISO-3 codes seen in CRM country fields, to ISO 3166-1 alpha-2. ISO-2 codes pass through. */
const COUNTRY_NAMES: Readonly<Record<string, CountryCode>> = {
  "united states": "US", "united states of america": "US", usa: "US", "u.s.": "US", "u.s.a.": "US", america: "US",
  "united kingdom": "GB", uk: "GB", "great britain": "GB", england: "GB", scotland: "GB", wales: "GB", gbr: "GB",
  germany: "DE", deutschland: "DE", deu: "DE", france: "FR", fra: "FR", spain: "ES", espana: "ES", "españa": "ES",
  esp: "ES", italy: "IT", italia: "IT", ita: "IT", netherlands: "NL", "the netherlands": "NL", holland: "NL",
  nld: "NL", ireland: "IE", irl: "IE", canada: "CA", can: "CA", australia: "AU", aus: "AU", "new zealand": "NZ",
  india: "IN", ind: "IN", japan: "JP", jpn: "JP", china: "CN", chn: "CN", brazil: "BR", brasil: "BR", bra: "BR",
  mexico: "MX", "méxico": "MX", mex: "MX", sweden: "SE", swe: "SE", norway: "NO", nor: "NO", denmark: "DK",
  dnk: "DK", finland: "FI", fin: "FI", switzerland: "CH", che: "CH", austria: "AT", aut: "AT", belgium: "BE",
  bel: "BE", poland: "PL", pol: "PL", portugal: "PT", prt: "PT", singapore: "SG", sgp: "SG", israel: "IL",
  "south africa": "ZA", "south korea": "KR", korea: "KR", "united arab emirates": "AE", uae: "AE",
};

/** A country as ISO 3166-1 alpha-2 (`"United States"`, `"usa"`, `"us"` → `US`); unknown names stay undefined. */
export function normaliseCountry(raw: string | null | undefined): CountryCode | undefined {
  const trimmed = raw?.trim().replace(/\s+/g, " ") ?? "";
  if (trimmed === "") return undefined;
  const upper = trimmed.toUpperCase();
  if (upper.length === 2 && COUNTRY_CODES.has(upper)) return upper as CountryCode;
  return COUNTRY_NAMES[trimmed.toLowerCase()];
}

/**
 * E.164 (`+14155550100`) when the number carries its country (`+44 …`) or the record's country is known and the
 * number is valid for it; otherwise the trimmed original, which is still better than nothing (never quarantined).
 */
export function normalisePhone(raw: string | null | undefined, country?: CountryCode): string | undefined {
  const trimmed = raw?.trim().replace(/\s+/g, " ") ?? "";
  if (trimmed === "") return undefined;
  const international = trimmed.startsWith("+") || trimmed.startsWith("00");
  if (!international && country === undefined) return trimmed;
  const parsed = parsePhoneNumberFromString(trimmed.replace(/^00/, "+"), international ? undefined : country);
  return parsed?.isValid() === true ? parsed.number : trimmed;
}

/** `https://www.Acme.com/about?x=1` → `acme.com`. Undefined when nothing like a host name is left. */
export function websiteToDomain(raw: string | null | undefined): string | undefined {
  const trimmed = raw?.trim() ?? "";
  if (trimmed === "") return undefined;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`).hostname;
  } catch {
    return undefined;
  }
  const domain = host.toLowerCase().replace(/^www\d*\./, "").replace(/\.$/, "");
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) && !/^\d+(\.\d+){3}$/.test(domain) ? domain : undefined;
}

/**
 * Whitespace collapsed; a name typed all in capitals or all in lower case gets capitals at word starts. A name that
 * mixes cases (`McDonald`, `van der Berg`) is kept as typed: people's own spelling wins.
 */
export function normaliseName(raw: string | null | undefined): string | undefined {
  const collapsed = raw?.trim().replace(/\s+/g, " ") ?? "";
  if (collapsed === "") return undefined;
  const letters = collapsed.replace(/[^\p{L}]/gu, "");
  const single = letters === letters.toUpperCase() || letters === letters.toLowerCase();
  if (!single || letters.length <= 1) return collapsed;
  return collapsed.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Trimmed text with collapsed whitespace, undefined when empty. */
export function cleanText(raw: string | null | undefined): string | undefined {
  const collapsed = raw?.trim().replace(/\s+/g, " ") ?? "";
  return collapsed === "" ? undefined : collapsed;
}
