import type { TemplateActivityInput } from "../../kinds/activity.js";
import { ACCOUNT_REFERENCES, HOUR_MS, pad, pick, SANDBOX_EPOCH, timestamps, type SandboxKind } from "./shared.js";

const ACTIVITY_TYPES = [
  ["meeting", "video"],
  ["email_sent", "email"],
  ["call", "phone"],
] as const;

export function sandboxActivity(index: number): TemplateActivityInput {
  const [type, channel] = pick(ACTIVITY_TYPES, index);
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: `act_${pad(index)}`,
    type,
    channel,
    occurred_at: new Date(SANDBOX_EPOCH + index * HOUR_MS).toISOString(),
    subject: `${type.replace("_", " ")} #${index + 1}`,
    duration: type === "meeting" ? 1800 : null,
    direction: index % 2 === 0 ? "outbound" : "inbound",
    person_id: `per_${pad(index % 20)}`,
    account_id: `acc_${pad(account)}`,
    url: `https://app.sandbox.example/activities/act_${pad(index)}`,
    ...timestamps(index),
  };
}

export const activitySandbox: SandboxKind<TemplateActivityInput> = {
  count: 27,
  make: sandboxActivity,
  // A date the API schema rejects.
  malformed: (index = 0) => ({ ...sandboxActivity(index), id: "act_malformed", occurred_at: "yesterday" }),
};
