// Registers every job handler and periodic task the worker runs. Modules that define handlers are
// imported here, so the worker has them whichever routes the process has loaded.
import { registerWhatsAppJobHandlers } from "@/lib/notifications/jobs";
import { runProcessAttachmentJob } from "@/lib/media/process-attachment";
import { PROCESS_ATTACHMENT_JOB } from "@/lib/media/queue-attachment-processing";
import { pruneOutbox } from "@/lib/outbox/prune-outbox";
import { cleanupExpiredIntents } from "@/lib/uploads/cleanup-expired-intents";
import { registerVerificationJobHandlers } from "@/lib/verification/read-verification-document";
import { registerJobHandler, registerPeriodicTask } from "./registry";

registerWhatsAppJobHandlers();
registerVerificationJobHandlers();

registerJobHandler(PROCESS_ATTACHMENT_JOB, runProcessAttachmentJob);

/** Hourly removal of upload intents that were never confirmed; cleanupExpiredIntents sets the age limit. */
registerPeriodicTask({
  name: "uploads.cleanup_expired_intents",
  intervalMs: 60 * 60 * 1000,
  run: (now) => cleanupExpiredIntents(now),
});

/** Hourly removal of development outbox messages older than a day; they may hold sign-in codes. */
registerPeriodicTask({
  name: "outbox.prune",
  intervalMs: 60 * 60 * 1000,
  run: (now) => pruneOutbox(now),
});
