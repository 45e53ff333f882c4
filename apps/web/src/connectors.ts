/**
 * The connectors this web app deploys: the ONE place that names them, as in the worker. Each import self-registers
 * its connector in core's process-wide registry, at the exact version pinned in package.json. Each one's `./sandbox`
 * descriptor is listed for the embedded default, where every connector talks to its loopback sandbox.
 */
import "@gtm-clarity/connector-customerio";
import "@gtm-clarity/connector-delivr";
import "@gtm-clarity/connector-fathom";
import "@gtm-clarity/connector-o365";
import "@gtm-clarity/connector-salesforce";
import { customerioSandbox } from "@gtm-clarity/connector-customerio/sandbox";
import { delivrSandbox } from "@gtm-clarity/connector-delivr/sandbox";
import { fathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { o365Sandbox } from "@gtm-clarity/connector-o365/sandbox";
import { salesforceSandbox } from "@gtm-clarity/connector-salesforce/sandbox";
import { connectorRegistry, type CanonicalRecord, type Connector } from "@gtm-clarity/core";
import type { SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";

export { connectorRegistry };

export type AnyConnector = Connector<CanonicalRecord>;

/** Connectors compiled into this app, with their versions. */
export function deployedConnectors(): AnyConnector[] {
  return connectorRegistry.list().map(({ id }) => connectorRegistry.get(id));
}

export function findConnector(id: string): AnyConnector | undefined {
  return connectorRegistry.has(id) ? connectorRegistry.get(id) : undefined;
}

export type ConnectMethod = "oauth" | "key";

/** OAuth when the connector has the capability and takes no typed-in secrets; otherwise a key form. */
export function connectMethod(connector: AnyConnector): ConnectMethod {
  return connector.oauth !== undefined && connector.secretsSchema === undefined ? "oauth" : "key";
}

export const sandboxDescriptors: readonly SandboxDescriptor<unknown>[] = [
  salesforceSandbox,
  o365Sandbox,
  fathomSandbox,
  customerioSandbox,
  delivrSandbox,
];
