import { handleRotateWebhookSecret } from "../../../../../src/handlers/connection-actions.js";
import { getRuntime } from "../../../../../src/runtime.js";

export const dynamic = "force-dynamic";

export async function POST(request: Request, ctx: { params: Promise<{ id: string }> }) {
  return handleRotateWebhookSecret(await getRuntime(), request, await ctx.params);
}
