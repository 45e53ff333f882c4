import { appUrl } from "../../../src/config.js";
import { errorMessage, noticeMessage, one } from "../../../src/messages.js";
import { requirePageSession } from "../../../src/page-session.js";
import { connectionDetail } from "../../../src/views.js";
import styles from "../../page.module.css";
import { Reconnect, RunCell } from "../parts.js";
import { loadConnection } from "./load.js";
import { WebhookSecret } from "./webhook-secret.js";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ConnectionPage({ params, searchParams }: Props) {
  const { rt, session } = await requirePageSession();
  const connection = await loadConnection(rt, session.tenantId, (await params).id);
  const query = await searchParams;
  const { summary, runs } = await connectionDetail(rt.store, session.tenantId, connection);
  const error = errorMessage(one(query["error"]));
  const notice = noticeMessage(one(query["notice"]));
  const running = rt.syncs.running({ tenantId: session.tenantId, connectionId: connection.id });
  return (
    <>
      <section>
        <h1>
          {summary.connectorName} <small>v{connection.connectorVersion}</small>
        </h1>
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
        {connection.status === "needs_reauth" && (
          <div role="alert" className={styles.banner}>
            This connection needs to be reconnected: {connection.lastError ?? "its credentials stopped working"}.{" "}
            <Reconnect summary={summary} />
          </div>
        )}
        <p>
          Status <span className={styles.status}>{connection.status}</span>
          {running ? " (syncing now)" : ""}. Last run: <RunCell run={summary.lastRun} />.
        </p>
        <table>
          <caption>Records</caption>
          <tbody>
            <tr>
              <th scope="row">People</th>
              <td className={styles.counts}>{summary.records.person}</td>
            </tr>
            <tr>
              <th scope="row">Accounts</th>
              <td className={styles.counts}>{summary.records.account}</td>
            </tr>
            <tr>
              <th scope="row">Activities</th>
              <td className={styles.counts}>{summary.records.activity}</td>
            </tr>
            <tr>
              <th scope="row">Quarantined</th>
              <td className={styles.counts}>
                <a href={`/connections/${connection.id}/quarantine`}>{summary.quarantined} quarantined</a>
              </td>
            </tr>
          </tbody>
        </table>
        <form method="post" action={`/api/connections/${connection.id}/sync`}>
          <button type="submit" disabled={connection.status !== "active"}>
            Sync now
          </button>
        </form>
      </section>
      {summary.webhooks && (
        <section>
          <h2>Webhooks</h2>
          <WebhookSecret
            connectionId={connection.id}
            url={appUrl(rt.config, `/api/webhooks/${connection.connectorId}/${connection.id}`).toString()}
            isSet={summary.webhookSecretSet}
          />
        </section>
      )}
      <section>
        <h2>Runs</h2>
        {runs.length === 0 ? (
          <p>No runs yet.</p>
        ) : (
          <table>
            <caption>Recent sync runs</caption>
            <thead>
              <tr>
                <th scope="col">Started (UTC)</th>
                <th scope="col">Status</th>
                <th scope="col">Pages</th>
                <th scope="col">Created</th>
                <th scope="col">Updated</th>
                <th scope="col">Unchanged</th>
                <th scope="col">Quarantined</th>
                <th scope="col">Version</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id}>
                  <td>{run.startedAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>{run.status}</td>
                  <td className={styles.counts}>{run.pages}</td>
                  <td className={styles.counts}>{run.created}</td>
                  <td className={styles.counts}>{run.updated}</td>
                  <td className={styles.counts}>{run.unchanged}</td>
                  <td className={styles.counts}>{run.quarantined}</td>
                  <td>{run.connectorVersion}</td>
                  <td>{run.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Disconnect</h2>
        <p>Deletes this connection, its credentials and everything synced through it; access is revoked at the provider where it offers that.</p>
        <form method="post" action={`/api/connections/${connection.id}/disconnect`}>
          <button type="submit">Disconnect {summary.connectorName}</button>
        </form>
      </section>
    </>
  );
}
