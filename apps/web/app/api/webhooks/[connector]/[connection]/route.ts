import { handleWebhook } from "../../../../../src/handlers/webhook.js";
import { getRuntime } from "../../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request, ctx: { params: Promise<{ connector: string; connection: string }> }) {
  return handleWebhook(await getRuntime(), request, await ctx.params);
}
