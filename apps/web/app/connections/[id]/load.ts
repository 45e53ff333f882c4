import { isNotFoundError } from "@gtm-clarity/core";
import type { Connection } from "@gtm-clarity/store";
import { notFound } from "next/navigation";
import { UUID } from "../../../src/http.js";
import type { WebRuntime } from "../../../src/runtime.js";

/** The session tenant's connection, or a 404 page: another tenant's id is not found, exactly like a made-up one. */
export async function loadConnection(rt: WebRuntime, tenantId: string, id: string): Promise<Connection> {
  if (!UUID.test(id)) notFound();
  try {
    return await rt.store.getConnection({ tenantId, connectionId: id });
  } catch (error) {
    if (isNotFoundError(error)) notFound();
    throw error;
  }
}
