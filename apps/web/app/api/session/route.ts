import { handleSignIn } from "../../../src/handlers/session.js";
import { getRuntime } from "../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleSignIn(await getRuntime(), request);
}
