/**
 * The pull path against Fathom's own SDK: the same sandbox (meetings with transcripts, summaries and action items,
 * no rate limit) paged to the end by `fathom-typescript` (which validates every response with zod) and by the
 * connector's `sync` loop (which also turns every meeting into canonical records and documents). Rounds alternate,
 * SDK first, so load from elsewhere on the machine falls on both; the medians and their ratio are the result.
 */
import { Fathom } from "fathom-typescript";
import { FathomConnector } from "../src/connector.js";
import { startFathomSandbox } from "../src/sandbox/server.js";

export interface PullPathOptions {
  meetings: number;
  rounds: number;
  /** Untimed rounds of each first (JIT, connection pool), so round 1 is not a cold start. */
  warmup: number;
  seed: number;
  log(line: string): void;
}

export interface PullPathResult {
  meetings: number;
  rounds: number;
  sdkPerSecond: number[];
  oursPerSecond: number[];
  sdkMedian: number;
  oursMedian: number;
  /** ours / SDK, of the medians. */
  ratio: number;
  /** Activities (plus quarantined meetings) per round of ours, and items per round of the SDK's: all of them. */
  complete: boolean;
}

const CONTENT = { includeTranscript: true, includeSummary: true, includeActionItems: true } as const;
/** No client-side budget: the sandbox runs without rate limits, as the SDK does. */
const UNLIMITED = { requests: 1_000_000_000, heavyRequests: 1_000_000_000 } as const;

export async function comparePullPath(options: PullPathOptions): Promise<PullPathResult> {
  const sandbox = await startFathomSandbox({ meetings: options.meetings, seed: options.seed, rateLimit: false });
  const settings = { baseUrl: sandbox.url, ...CONTENT };
  const credentials = { apiKey: sandbox.apiKey };
  let complete = true;

  const sdkRound = async (): Promise<number> => {
    const fathom = new Fathom({ security: { apiKeyAuth: sandbox.apiKey }, serverURL: sandbox.url });
    const started = performance.now();
    let meetings = 0;
    for await (const page of await fathom.listMeetings(CONTENT)) meetings += page?.result.items.length ?? 0;
    const seconds = (performance.now() - started) / 1000;
    complete &&= meetings === options.meetings;
    return meetings / seconds;
  };
  const oursRound = async (): Promise<number> => {
    const connector = new FathomConnector({ rateLimit: UNLIMITED });
    const started = performance.now();
    let meetings = 0;
    let cursor: string | null = null;
    for (;;) {
      const page = await connector.sync(credentials, cursor, { settings });
      for (const record of page.records) if (record.kind === "activity") meetings += 1;
      meetings += page.quarantined?.length ?? 0;
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const seconds = (performance.now() - started) / 1000;
    complete &&= meetings === options.meetings;
    return meetings / seconds;
  };

  const sdkPerSecond: number[] = [];
  const oursPerSecond: number[] = [];
  try {
    for (let round = 0; round < options.warmup; round += 1) {
      await sdkRound();
      await oursRound();
    }
    options.log(`round   SDK meetings/s   ours meetings/s   ours/SDK`);
    for (let round = 1; round <= options.rounds; round += 1) {
      const sdk = await sdkRound();
      const ours = await oursRound();
      sdkPerSecond.push(sdk);
      oursPerSecond.push(ours);
      options.log(`${String(round).padEnd(8)}${sdk.toFixed(0).padStart(14)}${ours.toFixed(0).padStart(18)}${(ours / sdk).toFixed(2).padStart(10)}x`);
    }
  } finally {
    await sandbox.close();
  }
  const sdkMedian = median(sdkPerSecond);
  const oursMedian = median(oursPerSecond);
  return {
    meetings: options.meetings,
    rounds: options.rounds,
    sdkPerSecond,
    oursPerSecond,
    sdkMedian,
    oursMedian,
    ratio: oursMedian / sdkMedian,
    complete,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
