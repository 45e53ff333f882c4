import { requirePageSession } from "../../src/page-session.js";
import { listAccounts } from "../../src/views.js";

export const dynamic = "force-dynamic";

export default async function Accounts() {
  const { rt, session } = await requirePageSession();
  const accounts = await listAccounts(rt.store, session.tenantId);
  return (
    <section>
      <h1>Accounts</h1>
      {accounts.length === 0 ? (
        <p>No accounts synced yet.</p>
      ) : (
        <table>
          <caption>Accounts across every connection (first 100)</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Domain</th>
              <th scope="col">Source</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((account) => (
              <tr key={`${account.connectionId}:${account.externalId}`}>
                <th scope="row">
                  <a href={`/accounts/${account.connectionId}/${encodeURIComponent(account.externalId)}`}>
                    {account.name ?? account.externalId}
                  </a>
                </th>
                <td>{account.domain ?? ""}</td>
                <td>{account.connectorId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
