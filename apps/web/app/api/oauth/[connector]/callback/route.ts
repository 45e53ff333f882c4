import { handleCallback } from "../../../../../src/handlers/oauth.js";
import { getRuntime } from "../../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function GET(request: Request, ctx: { params: Promise<{ connector: string }> }) {
  return handleCallback(await getRuntime(), request, await ctx.params);
}
