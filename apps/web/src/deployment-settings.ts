/**
 * The settings a new connection starts with: the connector's defaults, or in the embedded default the settings that
 * point it at its loopback sandbox (as the worker's demo connects).
 */
import { parseConnectorSettings } from "@gtm-clarity/core";
import { z } from "zod";
import type { AnyConnector } from "./connectors.js";
import type { WebRuntime } from "./runtime.js";

const SettingsObject = z.record(z.string(), z.unknown());

export function initialSettings(
  rt: WebRuntime,
  connector: AnyConnector,
  binding: { tenantId: string; connectionId: string },
): Record<string, unknown> {
  const sandbox = rt.sandboxes.get(connector.id);
  const given = sandbox === undefined ? {} : SettingsObject.parse(sandbox.settings(binding));
  return connector.settingsSchema === undefined
    ? given
    : parseConnectorSettings<Record<string, unknown>>(connector, given);
}
