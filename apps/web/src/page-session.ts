/** For server components: the runtime and the signed-in session, or a redirect to the sign-in page. */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getRuntime, type WebRuntime } from "./runtime.js";
import { sessionFromRequest, type Session } from "./session.js";

export async function requirePageSession(): Promise<{ rt: WebRuntime; session: Session }> {
  const rt = await getRuntime();
  const session = sessionFromRequest(rt.config, await headers());
  if (session === undefined) redirect("/sign-in");
  return { rt, session };
}
