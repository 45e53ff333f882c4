/**
 * A workflow interceptor bundled only into test bundles. It reports what the workflow does (activities with their
 * arguments, continueAsNew arguments, the result or error) through a sink that fires during replay too, so replay
 * tests can assert values, which replay itself never compares.
 */
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from "@temporalio/workflow";

export type ProbeEvent =
  | { kind: "activity"; activityType: string; args: unknown[] }
  | { kind: "continueAsNew"; args: unknown[] }
  | { kind: "child"; workflowType: string; workflowId: string; args: unknown[]; parentClosePolicy?: string }
  | { kind: "result"; value: unknown }
  | { kind: "error"; name: string; message: string; type?: string };

export interface ProbeSinks extends Sinks {
  probe: { event(event: ProbeEvent): void };
}

const { probe } = proxySinks<ProbeSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        try {
          const value = await next(input);
          probe.event({ kind: "result", value });
          return value;
        } catch (error) {
          if (error instanceof Error) {
            const type = (error as { type?: unknown }).type;
            probe.event({
              kind: "error",
              name: error.name,
              message: error.message,
              ...(typeof type === "string" ? { type } : {}),
            });
          }
          throw error;
        }
      },
    },
  ],
  outbound: [
    {
      async scheduleActivity(input, next) {
        probe.event({ kind: "activity", activityType: input.activityType, args: input.args });
        return next(input);
      },
      async startChildWorkflowExecution(input, next) {
        const { workflowId, args, parentClosePolicy } = input.options;
        probe.event({
          kind: "child",
          workflowType: input.workflowType,
          workflowId,
          args,
          ...(parentClosePolicy === undefined ? {} : { parentClosePolicy }),
        });
        return next(input);
      },
      async continueAsNew(input, next) {
        probe.event({ kind: "continueAsNew", args: input.args });
        return next(input);
      },
    },
  ],
});
