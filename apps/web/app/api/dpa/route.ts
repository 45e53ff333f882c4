import { handleAcceptDpa } from "../../../src/handlers/connection-actions.js";
import { getRuntime } from "../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleAcceptDpa(await getRuntime(), request);
}
