export interface Migration {
  /** Strictly increasing; the file name carries the same number. */
  version: number;
  name: string;
  /** Runs inside the migration transaction, as the owner. Never edit a released migration: add a new one. */
  sql: string;
}
