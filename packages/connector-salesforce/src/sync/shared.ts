/** What every object's transform shares: the record envelope and small value helpers. Pure. */

export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Canonical input before core's validation: `kind`, `externalId` and the kind's fields. */
export type CanonicalInput = Record<string, unknown> & { kind: "person" | "account" | "activity"; externalId: string };

export function envelope(raw: { Id: string; SystemModstamp: string; CreatedDate?: string | null | undefined; IsDeleted?: boolean | null | undefined }) {
  return {
    externalId: raw.Id,
    remoteUpdatedAt: raw.SystemModstamp,
    ...(isNil(raw.CreatedDate) ? {} : { remoteCreatedAt: raw.CreatedDate }),
    isDeleted: raw.IsDeleted === true,
  };
}

/** Drops null and undefined values, so properties hold only what the source said. */
export function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== undefined));
}

