// A fetch thread's first module: Node does not run TypeScript, and loader hooks registered on the main thread do not
// reach worker threads, so this registers tsx (as the `worker` command does) before loading the thread's body.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
