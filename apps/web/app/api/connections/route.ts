import { handleConnectWithKey } from "../../../src/handlers/connect-key.js";
import { getRuntime } from "../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleConnectWithKey(await getRuntime(), request);
}
