import packageJson from "../package.json" with { type: "json" };

/** This package's own version, from its package.json. */
export const CREATE_CONNECTOR_VERSION: string = packageJson.version;
