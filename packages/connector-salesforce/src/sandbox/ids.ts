/** Salesforce record ids for sandbox data: 15 case-sensitive characters plus the 3-character case checksum. */
const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The 18-character form of a 15-character id: each 5-character chunk's upper-case positions as one letter. */
export function to18(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let bit = 0; bit < 5; bit += 1) {
      const ch = id15.charAt(chunk * 5 + bit);
      if (ch >= "A" && ch <= "Z") flags |= 1 << bit;
    }
    suffix += SUFFIX_ALPHABET.charAt(flags);
  }
  return id15 + suffix;
}

/** The `index`-th id with a key prefix (`001` Account, `003` Contact, ...): ids sort (ASCII) in index order. */
export function sandboxId(prefix: string, index: number): string {
  return to18(`${prefix}${"0".repeat(3)}${index.toString(36).toUpperCase().padStart(9, "0")}`);
}

export const KEY_PREFIX = {
  Account: "001",
  Contact: "003",
  Lead: "00Q",
  Opportunity: "006",
  Task: "00T",
  Event: "00U",
  Org: "00D",
  User: "005",
} as const;
