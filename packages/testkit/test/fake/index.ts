/** The fake connector's entry module: importing it registers the connector, like a real connector's `src/index.ts`. */
import { connectorRegistry } from "@gtm-clarity/core";
import { FakeConnector } from "./connector.js";

export const fakeConnector = new FakeConnector();
connectorRegistry.register(fakeConnector);

export { FakeConnector, FAKE_CONNECTOR_ID } from "./connector.js";
