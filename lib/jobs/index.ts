export { enqueueJob, type EnqueueJobInput } from "./enqueue-job";
export {
  registerJobHandler,
  registerJobHandlerWithoutTransaction,
  registerPeriodicTask,
  type JobContext,
  type JobHandler,
  type PeriodicTask,
  type StandaloneJobContext,
  type StandaloneJobHandler,
} from "./registry";
