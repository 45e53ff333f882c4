/**
 * Credentials a sandbox hands out. Random by default; derived from the seed when one is given, because a seed
 * stands for a whole source: a demo run again with the same seed must accept the key stored by the run before.
 */
import { randomBytes } from "node:crypto";
import { itemSeed, SeededRandom } from "./random.js";

/** A fixed index no data item uses, so secrets never share a generator with the seeded data. */
const SECRET_STREAM = 0x5ec2e7;

/** Different prefixes (an API key and a webhook secret) get different secrets from one seed. */
function streamFor(prefix: string): number {
  let hash = SECRET_STREAM;
  for (const char of prefix) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

export function sandboxSecret(prefix: string, options: { seed?: number; bytes?: number; encoding?: "hex" | "base64" } = {}): string {
  const bytes = options.bytes ?? 16;
  const raw =
    options.seed === undefined
      ? randomBytes(bytes)
      : Buffer.from(new SeededRandom(itemSeed(options.seed, streamFor(prefix))).hex(bytes), "hex");
  return `${prefix}${raw.toString(options.encoding ?? "hex")}`;
}
