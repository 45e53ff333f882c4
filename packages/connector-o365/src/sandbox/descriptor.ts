/**
 * The sandbox as the conformance suite, the worker's demo and benchmarks start it. `size` is messages per mailbox;
 * the rate window is named `mailbox` (Outlook's budget per app and mailbox).
 */
import { FaultPlan, type SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import { O365_CONNECTOR_ID } from "../connector.js";
import type { O365Settings } from "../settings.js";
import { startO365Sandbox, type O365Sandbox } from "./server.js";

export const o365Sandbox: SandboxDescriptor<O365Settings, O365Sandbox> = {
  connectorId: O365_CONNECTOR_ID,
  start(options = {}) {
    const { size, seed, rateLimit, faults, clock } = options;
    const mailbox = rateLimit === false ? undefined : rateLimit?.["mailbox"];
    return startO365Sandbox({
      ...(seed === undefined ? {} : { seed }),
      ...(size === undefined ? {} : { messagesPerMailbox: size }),
      ...(rateLimit === false
        ? { rateLimit: false }
        : mailbox === undefined
          ? {}
          : {
              rateLimit: {
                ...(mailbox.limit === undefined ? {} : { requests: mailbox.limit }),
                ...(mailbox.windowMs === undefined ? {} : { windowMs: mailbox.windowMs }),
              },
            }),
      faults: new FaultPlan(faults ?? []),
      ...(clock === undefined ? {} : { clock }),
    });
  },
};
