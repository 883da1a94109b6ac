import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { mediaAttachments, tenants, users, verificationRequests } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { isLocale } from "@/lib/i18n";
import { log as rootLogger } from "@/lib/log";
import { enqueueResidentNotice } from "@/lib/notifications/resident-notice";
import { sendResidentMessage } from "@/lib/outbox/send-resident-message";
import { CHECK_LABELS } from "./check-labels";
import { verificationTranslator } from "./messages";
import {
  extractedValues,
  formatAddress,
  parseRequestId,
  REVIEW_ROLES,
  REVIEWED_FIELD_NAMES,
  ReviewedFields,
  toStoredFields,
  UNDECIDED_STATES,
  verificationNotFound,
} from "./verification-requests";

export const DecideVerificationInput = z
  .object({
    id: z.string(),
    decision: z.enum(["approve", "reject"], { message: 'Decision must be "approve" or "reject".' }),
    reason: z.preprocess(
      (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
      z.string().trim().max(1000, "Shorten the reason to 1000 characters or fewer.").optional(),
    ),
    fields: ReviewedFields.optional(),
  })
  .refine((value) => value.decision !== "reject" || value.reason !== undefined, {
    path: ["reason"],
    message: "Give a reason for rejecting the document.",
  });
export type DecideVerificationInput = z.input<typeof DecideVerificationInput>;

/**
 * Records a manager's decision on a verification request. Approving sets the resident `verified`
 * with the reviewed address; rejecting needs a reason and sets them `rejected`. The decision is
 * audited and the outcome is sent to the resident on the channel they uploaded from, in the same
 * transaction. The message never repeats text from the document.
 */
export async function decideVerification(
  actor: Actor,
  input: DecideVerificationInput,
  ctx: { requestId: string },
  db?: Database,
): Promise<{ status: "verified" | "rejected" }> {
  requireRole(actor, REVIEW_ROLES);
  const parsed = DecideVerificationInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { decision, reason } = parsed.data;
  const id = parseRequestId(parsed.data.id);

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({
          request: verificationRequests,
          resident: { id: users.id, phone: users.phone, preferredLanguage: users.preferredLanguage },
          document: { fileId: mediaAttachments.fileId, source: mediaAttachments.source },
          tenantName: tenants.name,
        })
        .from(verificationRequests)
        .innerJoin(users, and(eq(users.id, verificationRequests.userId), eq(users.tenantId, actor.tenantId)))
        .innerJoin(mediaAttachments, and(eq(mediaAttachments.id, verificationRequests.documentId), eq(mediaAttachments.tenantId, actor.tenantId)))
        .innerJoin(tenants, eq(tenants.id, verificationRequests.tenantId))
        .where(and(eq(verificationRequests.id, id), eq(verificationRequests.tenantId, actor.tenantId)))
        .limit(1)
        .for("update", { of: verificationRequests });
      if (!row) throw verificationNotFound(id);
      const { request, resident, document } = row;

      if (!(UNDECIDED_STATES as readonly string[]).includes(request.state)) {
        throw new AppError("conflict", `This verification request was already ${request.state}; a decision cannot be changed.`);
      }
      const stored = toStoredFields(request.extractedFields);
      const reviewed = { ...extractedValues(stored), ...parsed.data.fields };
      const address = formatAddress(reviewed);
      if (decision === "approve" && address === "") {
        throw new AppError("invalid_input", "Enter the resident's address before approving; the reader found none.", {
          fieldErrors: { street: ["Enter the address shown on the document."] },
        });
      }
      // Overriding a failed check is allowed, because a person decides, but the reason is kept for the audit.
      const failedChecks = Object.entries(request.checks ?? {})
        .filter(([, result]) => (result as { status?: unknown } | null)?.status === "failed")
        .map(([name]) => name);
      if (decision === "approve" && failedChecks.length > 0 && reason === undefined) {
        const names = failedChecks.map((name) => CHECK_LABELS[name as keyof typeof CHECK_LABELS] ?? name);
        throw new AppError(
          "invalid_input",
          `Give a reason for approving although these checks failed: ${names.join(", ")}.`,
          { fieldErrors: { reason: ["Say why you approve although a check failed."] } },
        );
      }
      const changedFields = REVIEWED_FIELD_NAMES.filter((name) => reviewed[name] !== extractedValues(stored)[name]);

      const decidedAt = new Date();
      await tx
        .update(verificationRequests)
        .set({
          state: decision === "approve" ? "approved" : "rejected",
          reviewerId: actor.userId,
          decidedAt,
          decisionReason: reason ?? null,
          extractedFields: stored ? { ...stored, reviewed } : { reviewed },
          updatedAt: decidedAt,
        })
        .where(and(eq(verificationRequests.id, request.id), eq(verificationRequests.tenantId, actor.tenantId)));
      await tx
        .update(users)
        .set(
          decision === "approve"
            ? { verificationStatus: "verified", verifiedAddress: address, verificationDocumentId: document.fileId, verifiedAt: decidedAt, updatedAt: decidedAt }
            : { verificationStatus: "rejected", updatedAt: decidedAt },
        )
        .where(and(eq(users.id, resident.id), eq(users.tenantId, actor.tenantId)));

      await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: decision === "approve" ? "verification.approved" : "verification.rejected",
        targetType: "verification_request",
        targetId: request.id,
        reason: reason ?? null,
        requestId: ctx.requestId,
        metadata: { residentId: resident.id, fileId: document.fileId, changedFields, readFailed: request.readFailure !== null },
      });

      if (resident.phone) {
        const locale = isLocale(resident.preferredLanguage) ? resident.preferredLanguage : "en";
        const body = verificationTranslator(locale)(decision === "approve" ? "outcome.approved" : "outcome.rejected", { municipality: row.tenantName });
        if (document.source === "whatsapp") {
          // The notification job sends it through Twilio when that is configured, and records the delivery.
          await enqueueResidentNotice(tx, actor.tenantId, { recipientId: resident.id, ticketId: null, purpose: "verification_outcome", locale, body });
        } else {
          // The page /m/{slug}/verify shows a web resident the outcome as well.
          await sendResidentMessage(tx, { tenantId: actor.tenantId, channel: "sms", recipient: resident.phone, body });
        }
      } else {
        rootLogger.warn({ requestId: ctx.requestId, tenantId: actor.tenantId, residentId: resident.id }, "verification outcome not sent: the resident has no phone number");
      }
      return { status: decision === "approve" ? "verified" : "rejected" };
    },
    db,
  );
}
