/**
 * The example connector's entry module. Importing it registers the connector, exactly like a real connector's
 * `src/index.ts`; testkit's own entry point never imports this file, so "example" is not registered by accident.
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { ExampleConnector } from "./connector.js";

export const exampleConnector = new ExampleConnector();
connectorRegistry.register(exampleConnector);

export { ExampleConnector, EXAMPLE_CONNECTOR_ID, EXAMPLE_DEFAULT_BASE_URL, type ExampleConnectorOptions } from "./connector.js";
export { startExampleSandbox, type ExampleSandbox, type ExampleSandboxOptions } from "./sandbox.js";
export { transformAccount, transformActivity, transformPerson } from "./transform.js";
export { exampleFieldMappings } from "./schema.js";
