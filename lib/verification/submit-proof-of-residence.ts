import { and, eq, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { mediaAttachments, users, verificationRequests } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { enqueueJob } from "@/lib/jobs";
import { READ_DOCUMENT_ATTEMPTS, READ_DOCUMENT_JOB, UNDECIDED_STATES } from "./verification-requests";

export const SubmitProofOfResidenceInput = z.object({
  fileId: z.uuid({ message: "Upload your account first; fileId must be the id the upload returned." }),
});
export type SubmitProofOfResidenceInput = z.input<typeof SubmitProofOfResidenceInput>;

/**
 * Submits the resident's confirmed proof-of-residence upload for review: records a `queued`
 * verification request, marks the resident `pending`, queues the job that reads the document, and
 * audits it, all in one transaction.
 */
export async function submitProofOfResidence(
  actor: Actor,
  input: SubmitProofOfResidenceInput,
  ctx: { requestId: string },
  db?: Database,
): Promise<{ id: string }> {
  requireRole(actor, ["resident"]);
  const parsed = SubmitProofOfResidenceInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const fileId = parsed.data.fileId.toLowerCase();

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [resident] = await tx
        .select({ verificationStatus: users.verificationStatus })
        .from(users)
        .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)))
        .limit(1)
        .for("update");
      if (!resident) throw new AppError("not_found", "Your account was not found in this municipality. Sign in again.");
      const [document] = await tx
        .select()
        .from(mediaAttachments)
        .where(
          and(
            eq(mediaAttachments.fileId, fileId),
            eq(mediaAttachments.tenantId, actor.tenantId),
            eq(mediaAttachments.ownerId, actor.userId),
            eq(mediaAttachments.purpose, "proof_of_residence"),
          ),
        )
        .limit(1);
      if (!document || (document.state !== "uploaded" && document.state !== "processed") || document.ticketId !== null) {
        throw new AppError("not_found", `Upload ${fileId} was not found or has not finished uploading. Upload your account again.`, {
          fieldErrors: { fileId: ["The upload was not found. Upload your account again."] },
        });
      }
      const [open] = await tx
        .select({ id: verificationRequests.id, documentId: verificationRequests.documentId })
        .from(verificationRequests)
        .where(
          and(
            eq(verificationRequests.tenantId, actor.tenantId),
            eq(verificationRequests.userId, actor.userId),
            or(inArray(verificationRequests.state, [...UNDECIDED_STATES]), eq(verificationRequests.documentId, document.id)),
          ),
        )
        .limit(1);

      if (resident.verificationStatus === "verified") {
        // NOTE: a verified resident who moves house cannot submit a new account here yet; staff must reset the status.
        throw new AppError("conflict", "Your residence is already verified.");
      }
      if (open) {
        throw new AppError(
          "conflict",
          open.documentId === document.id
            ? "This document was already submitted. Upload a new document to submit again."
            : "A document you submitted is still waiting for review. Wait for the decision before submitting another.",
        );
      }

      const [request] = await tx
        .insert(verificationRequests)
        .values({ tenantId: actor.tenantId, userId: actor.userId, documentId: document.id, state: "queued" })
        .returning({ id: verificationRequests.id });
      if (!request) throw new Error("submitProofOfResidence: insert of a verification request returned no row");
      await tx
        .update(users)
        .set({ verificationStatus: "pending", updatedAt: new Date() })
        .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)));

      await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: "verification.submitted",
        targetType: "verification_request",
        targetId: request.id,
        requestId: ctx.requestId,
        metadata: { fileId: document.fileId, contentType: document.contentType },
      });

      await enqueueJob(tx, {
        tenantId: actor.tenantId,
        kind: READ_DOCUMENT_JOB,
        payload: { verificationRequestId: request.id },
        maxAttempts: READ_DOCUMENT_ATTEMPTS,
      });
      return { id: request.id };
    },
    db,
  );
}
