import type { SyncRun } from "@gtm-clarity/store";
import { connectMethod, findConnector } from "../../src/connectors.js";
import type { ConnectionSummary } from "../../src/views.js";

export function RunCell({ run }: { run: SyncRun | undefined }) {
  if (run === undefined) return <>never</>;
  const when = (run.finishedAt ?? run.startedAt).toISOString().replace("T", " ").slice(0, 19);
  return (
    <>
      {run.status} <small>{when} UTC</small>
    </>
  );
}

/** Reconnect through OAuth (keeping the connection), or by connecting the key again. */
export function Reconnect({ summary }: { summary: ConnectionSummary }) {
  const connector = findConnector(summary.connection.connectorId);
  if (connector === undefined || connectMethod(connector) !== "oauth") return <>Connect it again below.</>;
  return (
    <form method="post" action={`/api/oauth/${connector.id}/authorize`} style={{ display: "inline" }}>
      <input type="hidden" name="connectionId" value={summary.connection.id} />
      <button type="submit">Reconnect {connector.name}</button>
    </form>
  );
}
