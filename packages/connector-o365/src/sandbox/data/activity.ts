import type { O365ActivityInput } from "../../kinds/activity.js";
import { ACCOUNT_REFERENCES, DEFAULT_SEED, HOUR_MS, pad, randomFor, SANDBOX_EPOCH, timestamps, type SandboxKind } from "./shared.js";

const ACTIVITY_TYPES = [
  ["meeting", "video"],
  ["email_sent", "email"],
  ["call", "phone"],
] as const;

export function sandboxActivity(index: number, seed = DEFAULT_SEED): O365ActivityInput {
  const random = randomFor(index, seed);
  const [type, channel] = random.pick(ACTIVITY_TYPES);
  return {
    id: `act_${pad(index)}`,
    type,
    channel,
    occurred_at: new Date(SANDBOX_EPOCH + index * HOUR_MS).toISOString(),
    subject: `${type.replace("_", " ")} #${index + 1}`,
    duration: type === "meeting" ? random.int(5, 90) * 60 : null,
    direction: random.bool() ? "outbound" : "inbound",
    person_id: `per_${pad(index % 20)}`,
    account_id: `acc_${pad(index % ACCOUNT_REFERENCES)}`,
    url: `https://app.sandbox.example/activities/act_${pad(index)}`,
    ...timestamps(index),
  };
}

export const activitySandbox: SandboxKind<O365ActivityInput> = {
  count: 27,
  make: sandboxActivity,
  // A date the API schema rejects.
  malformed: (index = 0) => ({ ...sandboxActivity(index), id: "act_malformed", occurred_at: "yesterday" }),
};
