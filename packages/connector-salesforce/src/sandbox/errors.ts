/** Salesforce's REST error body: an array of `{message, errorCode, fields?}` (vendor-apis.md §1.6). */
import { json, type Reply } from "@gtm-clarity/testkit/sandbox";

export function sfError(status: number, errorCode: string, message: string, fields?: string[]): Reply {
  return json(status, [{ message, errorCode, ...(fields === undefined ? {} : { fields }) }]);
}
