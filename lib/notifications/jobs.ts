import { registerJobHandler } from "@/lib/jobs";
import { MEDIA_DOWNLOAD_JOB } from "@/lib/whatsapp/media/queue-media-download";
import { runMediaDownloadJob } from "@/lib/whatsapp/media/media-download-job";
import { RESIDENT_NOTICE_JOB, runResidentNotice } from "./resident-notice";
import { runTicketStatusNotification, TICKET_STATUS_NOTIFICATION_JOB } from "./ticket-status-notification";

/** Registers the job handlers of the WhatsApp channel: media downloads and resident notifications. */
export function registerWhatsAppJobHandlers(): void {
  registerJobHandler(MEDIA_DOWNLOAD_JOB, runMediaDownloadJob);
  registerJobHandler(TICKET_STATUS_NOTIFICATION_JOB, runTicketStatusNotification);
  registerJobHandler(RESIDENT_NOTICE_JOB, runResidentNotice);
}
