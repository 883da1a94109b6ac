export { enqueueJob, type EnqueueJobInput } from "./enqueue-job";
export { registerJobHandler, registerPeriodicTask, type JobContext, type JobHandler, type PeriodicTask } from "./registry";
