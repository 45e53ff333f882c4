/**
 * Shared by the kit's own tests (not exported): servers started in a test are closed after it, whatever happens.
 */
import { afterEach } from "vitest";
import { startSandboxServer, type SandboxServer, type SandboxServerOptions } from "./server.js";

export function useServers(): (options: SandboxServerOptions) => Promise<SandboxServer> {
  const open: SandboxServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await startSandboxServer(options);
    open.push(server);
    return server;
  };
}
