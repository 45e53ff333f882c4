import { notFound } from "next/navigation";
import { UUID } from "../../../../src/http.js";
import { requirePageSession } from "../../../../src/page-session.js";
import { accountTimeline } from "../../../../src/views.js";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ connection: string; externalId: string }> };

const day = (date: Date | null) => (date === null ? "" : date.toISOString().replace("T", " ").slice(0, 16));

export default async function AccountPage({ params }: Props) {
  const { rt, session } = await requirePageSession();
  const { connection, externalId } = await params;
  if (!UUID.test(connection)) notFound();
  const group = await rt.store.getBuyingGroup({
    tenantId: session.tenantId,
    accountId: { connectionId: connection, externalId: decodeURIComponent(externalId) },
  });
  const [account] = group.accounts;
  if (account === undefined) notFound();
  const timeline = await accountTimeline(rt.store, session.tenantId, group);
  return (
    <>
      <section>
        <h1>{account.name ?? account.externalId}</h1>
        <p>
          {group.domain ?? "No domain"} · seen in {new Set(group.accounts.map((a) => a.connectorId)).size} source(s):{" "}
          {[...new Set(group.accounts.map((a) => a.connectorId))].join(", ")}
        </p>
      </section>
      <section>
        <h2>Buying group</h2>
        {group.members.length === 0 ? (
          <p>No people linked to this account yet.</p>
        ) : (
          <table>
            <caption>People at this account, from every connector{group.truncated ? " (first 500)" : ""}</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Title</th>
                <th scope="col">Role</th>
                <th scope="col">Activities</th>
                <th scope="col">Last activity (UTC)</th>
                <th scope="col">Sources</th>
              </tr>
            </thead>
            <tbody>
              {group.members.map((member, index) => (
                <tr key={member.email ?? `${index}`}>
                  <th scope="row">{member.name ?? member.email ?? "(unnamed)"}</th>
                  <td>{member.title ?? ""}</td>
                  <td>
                    {member.role}
                    {member.roleSource === "inferred" ? " (inferred)" : ""}
                  </td>
                  <td>{member.total}</td>
                  <td>{day(member.lastActivityAt)}</td>
                  <td>{[...new Set(member.sources.map((s) => s.connectorId))].join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section>
        <h2>Timeline</h2>
        {timeline.length === 0 ? (
          <p>No activity yet.</p>
        ) : (
          <table>
            <caption>Activity at this account, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Type</th>
                <th scope="col">What</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {timeline.map((entry) => (
                <tr key={`${entry.connectorId}:${entry.externalId}`}>
                  <td>{day(entry.occurredAt)}</td>
                  <td>{entry.type ?? ""}</td>
                  <td>{entry.subject ?? entry.externalId}</td>
                  <td>{entry.connectorId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
