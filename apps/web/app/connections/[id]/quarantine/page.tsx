import { findConnector } from "../../../../src/connectors.js";
import { requirePageSession } from "../../../../src/page-session.js";
import { quarantineView } from "../../../../src/views.js";
import { loadConnection } from "../load.js";

export const dynamic = "force-dynamic";

/** Long raw values are cut for display; the store keeps them whole. */
function preview(raw: unknown): string {
  const text = JSON.stringify(raw) ?? "";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export default async function QuarantinePage({ params }: { params: Promise<{ id: string }> }) {
  const { rt, session } = await requirePageSession();
  const connection = await loadConnection(rt, session.tenantId, (await params).id);
  const entries = await quarantineView(rt.store, session.tenantId, connection.id);
  const name = findConnector(connection.connectorId)?.name ?? connection.connectorId;
  return (
    <section>
      <h1>Quarantine of {name}</h1>
      <p>
        Source records that could not become canonical records, with why. They are kept, never dropped; a fixed record
        leaves quarantine on its next sync. <a href={`/connections/${connection.id}`}>Back to the connection</a>
      </p>
      {entries.length === 0 ? (
        <p>Nothing quarantined.</p>
      ) : (
        <table>
          <caption>Quarantined records</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Source id</th>
              <th scope="col">Reasons</th>
              <th scope="col">Seen</th>
              <th scope="col">Raw value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{entry.kind ?? "unknown"}</td>
                <td>{entry.externalId ?? "(none)"}</td>
                <td>
                  <ul>
                    {entry.reasons.map((reason, index) => (
                      <li key={index}>
                        <code>{reason.path || "(record)"}</code>: {reason.message}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{entry.seenCount}</td>
                <td>
                  <code>{preview(entry.raw)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
