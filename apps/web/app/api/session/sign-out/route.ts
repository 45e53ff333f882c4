import { handleSignOut } from "../../../../src/handlers/session.js";
import { getRuntime } from "../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleSignOut(await getRuntime(), request);
}
