import { deployedConnectors } from "../../src/connectors.js";
import { errorMessage, noticeMessage, one } from "../../src/messages.js";
import { requirePageSession } from "../../src/page-session.js";
import { connectionsView } from "../../src/views.js";
import styles from "../page.module.css";
import { ConnectForm } from "./connect-forms.js";
import { Reconnect, RunCell } from "./parts.js";

export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function Connections({ searchParams }: { searchParams: Search }) {
  const { rt, session } = await requirePageSession();
  const query = await searchParams;
  const error = errorMessage(one(query["error"]));
  const notice = noticeMessage(one(query["notice"]));
  const { tenant, summaries } = await connectionsView(rt.store, session.tenantId);
  return (
    <>
      <section>
        <h1>Connections</h1>
        <p>
          Workspace <strong>{session.tenantId}</strong>, signed in as {session.userId}.
        </p>
        <form method="post" action="/api/session/sign-out">
          <button type="submit" className={styles.compact}>
            Sign out
          </button>
        </form>
        {error && (
          <p role="alert" className={styles.banner}>
            {error}
          </p>
        )}
        {notice && (
          <p role="status" className={styles.notice}>
            {notice}
          </p>
        )}
        {summaries
          .filter((s) => s.connection.status === "needs_reauth")
          .map((s) => (
            <div key={s.connection.id} role="alert" className={styles.banner}>
              {s.connectorName} needs to be reconnected: {s.connection.lastError ?? "its credentials stopped working"}.{" "}
              <Reconnect summary={s} />
            </div>
          ))}
        {summaries.length === 0 ? (
          <p>No connections yet.</p>
        ) : (
          <table>
            <caption>Connections of this workspace</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Last run</th>
                <th scope="col">People</th>
                <th scope="col">Accounts</th>
                <th scope="col">Activities</th>
                <th scope="col">Quarantined</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {summaries.map((s) => (
                <tr key={s.connection.id}>
                  <th scope="row">
                    <a href={`/connections/${s.connection.id}`}>{s.connectorName}</a>
                  </th>
                  <td className={styles.status}>{s.connection.status}</td>
                  <td>
                    <RunCell run={s.lastRun} />
                  </td>
                  <td className={styles.counts}>{s.records.person}</td>
                  <td className={styles.counts}>{s.records.account}</td>
                  <td className={styles.counts}>{s.records.activity}</td>
                  <td className={styles.counts}>{s.quarantined}</td>
                  <td>{s.connection.connectorVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Connect a source</h2>
        {deployedConnectors().map((connector) => (
          <article key={connector.id} aria-label={`Connect ${connector.name}`}>
            <h3>
              {connector.name} <small>v{connector.version}</small>
            </h3>
            <ConnectForm rt={rt} connector={connector} tenant={tenant} />
          </article>
        ))}
      </section>
    </>
  );
}
