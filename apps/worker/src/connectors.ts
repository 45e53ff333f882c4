/**
 * The connectors this worker deploys: the ONE place that names them. Each import self-registers its connector
 * in core's process-wide registry; the versions are pinned exactly in package.json, and `worker connectors` lists
 * what is actually loaded. Each connector's `./sandbox` export (its sandbox descriptor) is listed here too, for the
 * demo and benchmarks; nothing else in the worker knows a connector by name.
 *
 * To deploy another connector: add it to package.json at an exact version, import it here, and add its sandbox
 * descriptor to `sandboxes`.
 */
import "@gtm-clarity/connector-customerio";
import { customerioSandbox } from "@gtm-clarity/connector-customerio/sandbox";
import "@gtm-clarity/connector-delivr";
import { delivrSandbox } from "@gtm-clarity/connector-delivr/sandbox";
import "@gtm-clarity/connector-fathom";
import { fathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import "@gtm-clarity/connector-o365";
import { o365Sandbox } from "@gtm-clarity/connector-o365/sandbox";
import "@gtm-clarity/connector-salesforce";
import { salesforceSandbox } from "@gtm-clarity/connector-salesforce/sandbox";
import { connectorRegistry, type RegisteredConnector } from "@gtm-clarity/core";
import type { SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";

export { connectorRegistry };

/** Connectors compiled into this worker, with the version each one reports (from its own package.json). */
export function deployedConnectors(): RegisteredConnector[] {
  return connectorRegistry.list();
}

export interface DeployedSandbox {
  descriptor: SandboxDescriptor<unknown>;
  /** Settings the demo adds to those the sandbox gives, e.g. content a connection leaves off until a tenant opts in. */
  demoSettings?: Readonly<Record<string, unknown>>;
}

/** One sandbox per deployed connector that has one; the demo lists the others as skipped. */
export const sandboxes: readonly DeployedSandbox[] = [
  // Transcripts and summaries show the documents path (and Fathom's heavy-request budget) at work.
  { descriptor: fathomSandbox, demoSettings: { includeTranscript: true, includeSummary: true } },
  { descriptor: salesforceSandbox },
  { descriptor: customerioSandbox },
  { descriptor: delivrSandbox },
  { descriptor: o365Sandbox },
];
