import { describeSettings } from "@gtm-clarity/core";
import type { Tenant } from "@gtm-clarity/store";
import { connectMethod, type AnyConnector } from "../../src/connectors.js";
import { secretFieldName } from "../../src/handlers/connect-key.js";
import type { WebRuntime } from "../../src/runtime.js";
import styles from "../page.module.css";

/** `apiKey` -> `API key`, `siteId` -> `site ID`: a field name as a person reads it. */
function humanize(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/\bapi\b/g, "API")
    .replace(/\bid\b/g, "ID");
}

/** The sandbox's key, shown in the embedded default only so a person can try the flow. */
function sandboxHint(rt: WebRuntime, connector: AnyConnector, name: string): string | undefined {
  return rt.sandboxes.get(connector.id)?.credentials[name];
}

function DpaForm({ connector }: { connector: AnyConnector }) {
  return (
    <form method="post" action="/api/dpa">
      <p>
        {connector.name} processes personal data (mailboxes, calendars) and needs the workspace&apos;s data processing
        agreement first.
      </p>
      <button type="submit">Accept the data processing agreement</button>
    </form>
  );
}

export function ConnectForm({ rt, connector, tenant }: { rt: WebRuntime; connector: AnyConnector; tenant: Tenant }) {
  if (connector.requiresDpa && tenant.dpaAcceptedAt === null) return <DpaForm connector={connector} />;
  if (connectMethod(connector) === "oauth") {
    return (
      <form method="post" action={`/api/oauth/${connector.id}/authorize`}>
        <button type="submit">Connect {connector.name}</button>
      </form>
    );
  }
  const fields = connector.secretsSchema === undefined ? [] : describeSettings(connector.secretsSchema);
  return (
    <form method="post" action="/api/connections">
      <input type="hidden" name="connector" value={connector.id} />
      {fields.map((field) => {
        const hint = sandboxHint(rt, connector, field.name);
        return (
          <label key={field.name}>
            {connector.name} {field.label ?? humanize(field.name)}
            <input name={secretFieldName(field.name)} type="password" autoComplete="off" required={!field.optional} />
            {hint !== undefined && (
              <small>
                Sandbox {field.name}: <code className={styles.secret}>{hint}</code>
              </small>
            )}
          </label>
        );
      })}
      <button type="submit">Connect {connector.name}</button>
    </form>
  );
}
