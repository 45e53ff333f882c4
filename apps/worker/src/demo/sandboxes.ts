/**
 * How the demo runs each deployed connector without a vendor account: its own loopback sandbox, and the settings
 * that point a connection at it. A deployed connector with no entry here is listed by the demo as skipped.
 */
import { encryptApiKey } from "@gtm-clarity/core";
import { startFathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";

export interface DemoSandbox {
  /** e.g. "http://127.0.0.1:41234/external/v1" */
  url: string;
  /** Connection settings for a connection bound to `binding` (secrets encrypted for exactly that connection). */
  settings(binding: { tenantId: string; connectionId: string }): Record<string, unknown>;
  /** New data at the source, so the incremental sync has something to find. Returns how many items were added. */
  addNewData(): number;
  /** Requests the sandbox has answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export interface DemoSandboxOptions {
  /** Scale of the seeded data (Fathom: meetings). */
  size: number;
}

export const demoSandboxes: Record<string, (options: DemoSandboxOptions) => Promise<DemoSandbox>> = {
  fathom: async ({ size }) => {
    const sandbox = await startFathomSandbox({
      // Fixed key and seed: a second demo run sees the same source data, so its full sync changes nothing.
      apiKey: "demo-fathom-api-key",
      seed: 7,
      meetings: size,
      // Two malformed meetings show quarantine at work: they are kept with reasons, never silently dropped.
      faults: { malformedMeetingIndexes: [3, Math.floor(size / 2)] },
    });
    return {
      url: sandbox.url,
      settings: (binding) => ({
        encryptedApiKey: encryptApiKey(sandbox.apiKey, binding),
        baseUrl: sandbox.url,
        includeTranscript: true,
        includeSummary: true,
      }),
      addNewData: () => sandbox.addMeetings(3).length,
      requests: () => sandbox.stats().requests,
      close: () => sandbox.close(),
    };
  },
};
