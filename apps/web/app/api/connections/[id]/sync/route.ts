import { handleSyncNow } from "../../../../../src/handlers/connection-actions.js";
import { getRuntime } from "../../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return handleSyncNow(await getRuntime(), request, await ctx.params);
}
