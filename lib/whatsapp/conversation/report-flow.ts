import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { categories, mediaAttachments, type ConversationState } from "@/db/schema";
import { createTicket, MAX_ATTACHMENTS_PER_TICKET } from "@/lib/tickets/create-ticket";
import { isCommand, parseChoice } from "../commands";
import { evidenceTypeFor } from "../media/evidence-types";
import { queueMediaDownload } from "../media/queue-media-download";
import { backToMenu, type ConversationContext, type StepOutcome } from "./context";
import type { ReportDraft } from "./draft";

// Reporting a problem: category, description, location, evidence, confirmation. Content the
// resident sends ahead of the question (a photo while the category is asked, a location pin with
// the first message) is kept, and the flow prompts only for what is still missing.

const DESCRIPTION_MIN = 10;
const DESCRIPTION_MAX = 4000;
const ADDRESS_MIN = 3;
const ADDRESS_MAX = 300;

/** A first message in the menu of at least this many characters is taken as the start of a report. */
const QUICK_REPORT_MIN_LENGTH = 20;

/** Tells whether a message in the menu carries something to report: files, a location, or a sentence about a problem. */
export function looksLikeReportContent(c: ConversationContext): boolean {
  const text = c.message.text.trim();
  return c.message.media.length > 0 || c.message.location !== null || (text.length >= QUICK_REPORT_MIN_LENGTH && text.split(/\s+/).length >= 3);
}

/**
 * Starts a report. With `withContent`, the message that started it is kept: its files as
 * evidence, its location pin as the place, and its text (or caption) as the description.
 */
export async function startReport(c: ConversationContext, options: { withContent: boolean }): Promise<StepOutcome> {
  const choices = await c.tx
    .select({ id: categories.id, name: categories.name })
    .from(categories)
    .where(and(eq(categories.tenantId, c.tenant.id), eq(categories.isSensitive, false)))
    .orderBy(asc(categories.sortOrder), asc(categories.name));
  let draft: ReportDraft = { flow: "report", categoryChoices: choices, evidence: [], evidenceDone: false };
  const notes: string[] = [];
  if (options.withContent) {
    draft = await keepFilesAndLocation(c, draft, notes);
    const text = c.message.text.trim();
    if (text.length >= DESCRIPTION_MIN && text.length <= DESCRIPTION_MAX) draft = { ...draft, description: text };
  }
  return advance(c, draft, notes);
}

/** Handles a message in one of the report states. */
export async function continueReport(c: ConversationContext, draft: ReportDraft): Promise<StepOutcome> {
  const state = c.conversation.state;
  const text = c.message.text.trim();
  const notes: string[] = [];
  const hadFiles = draft.evidence.length;
  let next = await keepFilesAndLocation(c, draft, notes);
  const receivedContent = next !== draft;

  switch (state) {
    case "report_category": {
      const choice = parseChoice(text, next.categoryChoices.length);
      if (choice !== null) {
        const category = next.categoryChoices[choice - 1]!;
        next = { ...next, categoryId: category.id, categoryName: category.name };
      } else if (!receivedContent || text !== "") {
        notes.push(c.t("notUnderstood"));
      }
      break;
    }
    case "report_description":
      if (text !== "") {
        if (text.length < DESCRIPTION_MIN) notes.push(c.t("descriptionTooShort"));
        else if (text.length > DESCRIPTION_MAX) notes.push(c.t("descriptionTooLong"));
        else next = { ...next, description: text };
      }
      break;
    case "report_location":
      if (c.message.location === null && text !== "") {
        if (text.length < ADDRESS_MIN || text.length > ADDRESS_MAX) notes.push(c.t("locationInvalid"));
        else next = { ...next, location: { addressText: text } };
      }
      break;
    case "report_evidence":
      if (isCommand(text, "done")) next = { ...next, evidenceDone: true };
      else if (next.evidence.length > hadFiles && next.evidence.length < MAX_ATTACHMENTS_PER_TICKET) {
        return { state, draft: next, encryptedDraft: null, replies: [...notes, c.t("evidenceReceived", { count: next.evidence.length, max: MAX_ATTACHMENTS_PER_TICKET })] };
      } else if (!receivedContent) notes.push(c.t("evidenceHint"));
      break;
    case "report_confirm":
      if (parseChoice(text, 2) === 1 || isCommand(text, "yes")) return submitReport(c, next);
      if (parseChoice(text, 2) === 2 || isCommand(text, "no")) return backToMenu([c.t("cancelled"), c.t("menu")]);
      if (!receivedContent) notes.push(c.t("notUnderstood"));
      break;
    default:
      throw new Error(`continueReport: ${state} is not a report state`);
  }
  return advance(c, next, notes);
}

/** Returns the question for a report state, for "help" and for the step after an answer. */
export function reportPrompt(c: ConversationContext, state: ConversationState, draft: ReportDraft): string {
  switch (state) {
    case "report_category":
      return c.t("categoryPrompt", { list: draft.categoryChoices.map((category, index) => `${index + 1}. ${category.name}`).join("\n") });
    case "report_description":
      return c.t("descriptionPrompt");
    case "report_location":
      return c.t("locationPrompt");
    case "report_evidence":
      return draft.evidence.length === 0
        ? c.t("evidencePrompt", { max: MAX_ATTACHMENTS_PER_TICKET })
        : c.t("evidenceReceived", { count: draft.evidence.length, max: MAX_ATTACHMENTS_PER_TICKET });
    case "report_confirm":
      return c.t("confirmPrompt", {
        category: draft.categoryName ?? "",
        description: draft.description ?? "",
        location: describeLocation(c, draft),
        files: String(draft.evidence.length),
      });
    default:
      throw new Error(`reportPrompt: ${state} is not a report state`);
  }
}

function nextReportState(draft: ReportDraft): ConversationState {
  if (draft.categoryId === undefined) return "report_category";
  if (draft.description === undefined) return "report_description";
  if (draft.location === undefined) return "report_location";
  if (!draft.evidenceDone && draft.evidence.length < MAX_ATTACHMENTS_PER_TICKET) return "report_evidence";
  return "report_confirm";
}

function advance(c: ConversationContext, draft: ReportDraft, notes: string[]): StepOutcome {
  const state = nextReportState(draft);
  return { state, draft, encryptedDraft: null, replies: [...notes, reportPrompt(c, state, draft)] };
}

/**
 * Keeps the message's files (queued for download, up to the limit per report) and location pin.
 * Returns the same draft object when the message carried neither, a new one otherwise, and adds
 * a note for every file that was not taken.
 */
async function keepFilesAndLocation(c: ConversationContext, draft: ReportDraft, notes: string[]): Promise<ReportDraft> {
  const { message } = c;
  if (message.media.length === 0 && message.location === null) return draft;

  const evidence = [...draft.evidence];
  let skipped = 0;
  for (const media of message.media) {
    const type = evidenceTypeFor(media.contentType);
    if (evidence.length >= MAX_ATTACHMENTS_PER_TICKET) {
      skipped += 1;
      continue;
    }
    const position = evidence.length + 1;
    if (!type) {
      notes.push(c.t("evidenceTypeRejected", { position, type: media.contentType || "?" }));
      continue;
    }
    const queued = await queueMediaDownload(c.tx, {
      tenantId: c.tenant.id,
      ownerId: c.actor.userId,
      messageSid: message.messageSid,
      media,
      type,
      position,
      now: c.now,
    });
    evidence.push({ fileId: queued.fileId, position, kind: type.kind });
  }
  if (skipped > 0) notes.push(c.t("evidenceSkipped", { max: MAX_ATTACHMENTS_PER_TICKET, count: skipped }));

  const full = evidence.length >= MAX_ATTACHMENTS_PER_TICKET && draft.evidence.length < MAX_ATTACHMENTS_PER_TICKET;
  if (full) notes.push(c.t("evidenceFull", { max: MAX_ATTACHMENTS_PER_TICKET }));

  const location = message.location
    ? {
        latitude: message.location.latitude,
        longitude: message.location.longitude,
        addressText: [message.location.label, message.location.address].filter((part) => part !== null).join(", ").slice(0, ADDRESS_MAX) || undefined,
      }
    : draft.location;
  return { ...draft, evidence, evidenceDone: draft.evidenceDone || full, location };
}

function describeLocation(c: ConversationContext, draft: ReportDraft): string {
  const location = draft.location;
  if (!location) return "";
  const pin =
    location.latitude !== undefined && location.longitude !== undefined
      ? c.t("locationPin", { latitude: location.latitude.toFixed(5), longitude: location.longitude.toFixed(5) })
      : null;
  return [location.addressText, pin].filter((part) => part !== undefined && part !== null).join(", ");
}

/**
 * Files the report through `createTicket` (channel whatsapp) in a savepoint of the webhook's
 * transaction. Files already downloaded go through createTicket's own checks; files still
 * downloading are attached directly, and their download job marks them uploaded later. The
 * attachment rows are locked first, so a download finishing at this moment waits for the commit.
 */
async function submitReport(c: ConversationContext, draft: ReportDraft): Promise<StepOutcome> {
  if (draft.categoryId === undefined || draft.description === undefined) {
    throw new Error("submitReport: the draft has no category or description");
  }
  const fileIds = draft.evidence.map((item) => item.fileId);
  const files =
    fileIds.length === 0
      ? []
      : await c.tx
          .select({ id: mediaAttachments.id, fileId: mediaAttachments.fileId, state: mediaAttachments.state })
          .from(mediaAttachments)
          .where(
            and(
              eq(mediaAttachments.tenantId, c.tenant.id),
              eq(mediaAttachments.ownerId, c.actor.userId),
              inArray(mediaAttachments.fileId, fileIds),
              isNull(mediaAttachments.ticketId),
            ),
          )
          .for("update");
  const ready = files.filter((file) => file.state === "uploaded" || file.state === "processed").map((file) => file.fileId);
  const downloading = files.filter((file) => file.state === "pending").map((file) => file.id);

  const location = draft.location ?? {};
  const ticket = await createTicket(
    c.actor,
    {
      categoryId: draft.categoryId,
      description: draft.description,
      addressText: location.addressText,
      latitude: location.latitude,
      longitude: location.longitude,
      attachmentFileIds: ready,
    },
    { requestId: c.requestId, channel: "whatsapp" },
    // A transaction is a database handle too; createTicket's own transaction becomes a savepoint.
    c.tx as Database,
  );
  if (downloading.length > 0) {
    await c.tx
      .update(mediaAttachments)
      .set({ ticketId: ticket.id })
      .where(and(eq(mediaAttachments.tenantId, c.tenant.id), inArray(mediaAttachments.id, downloading)));
  }

  c.log.info({ ticketId: ticket.id, reference: ticket.reference, filesReady: ready.length, filesDownloading: downloading.length }, "whatsapp report filed");
  return backToMenu([c.t("reportCreated", { reference: ticket.reference })]);
}
