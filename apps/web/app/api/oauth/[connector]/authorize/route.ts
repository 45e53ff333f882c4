import { handleAuthorize } from "../../../../../src/handlers/oauth.js";
import { getRuntime } from "../../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request, ctx: { params: Promise<{ connector: string }> }) {
  return handleAuthorize(await getRuntime(), request, await ctx.params);
}
