import { getRuntime } from "../../src/runtime.js";
import { errorMessage, one } from "../../src/messages.js";
import styles from "../page.module.css";

export const dynamic = "force-dynamic";

export default async function SignIn({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const rt = await getRuntime();
  const error = errorMessage(one((await searchParams)["error"]));
  if (rt.config.authMode !== "dev") {
    return (
      <section>
        <h1>Sign in</h1>
        <p>This deployment signs people in through its identity-aware proxy; open the app through it.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Development sign-in</h1>
      <p>Names a workspace (tenant) and a user. Only for the embedded default; production uses its proxy.</p>
      {error && (
        <p role="alert" className={styles.banner}>
          {error}
        </p>
      )}
      <form method="post" action="/api/session">
        <label>
          Workspace
          <input name="tenant" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,62}" defaultValue="demo" />
        </label>
        <label>
          User
          <input name="user" required defaultValue="dev@example.com" />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
