import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { withTenant, type Database } from "@/db/client";
import { mediaAttachments, users, verificationRequests } from "@/db/schema";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import type { ResidenceChecks } from "./types";
import {
  parseRequestId,
  REVIEW_ROLES,
  toStoredChecks,
  toStoredFields,
  verificationNotFound,
  type StoredFields,
  type VerificationState,
} from "./verification-requests";

export interface VerificationReview {
  id: string;
  state: VerificationState;
  createdAt: Date;
  resident: {
    id: string;
    name: string;
    verificationStatus: "unverified" | "pending" | "verified" | "rejected";
  };
  document: {
    fileId: string;
    originalFilename: string;
    contentType: string;
    /** Bytes. */
    size: number | null;
    uploadedAt: Date;
  };
  ocrText: string | null;
  fields: StoredFields | null;
  checks: ResidenceChecks | null;
  readFailure: string | null;
  reviewerName: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

/** Loads one verification request with its document and reading for a manager's review; not_found outside the tenant. */
export async function getVerificationForReview(actor: Actor, id: unknown, db?: Database): Promise<VerificationReview> {
  requireRole(actor, REVIEW_ROLES);
  const requestId = parseRequestId(id);
  const reviewers = alias(users, "reviewers");

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [row] = await tx
        .select({
          request: verificationRequests,
          resident: { id: users.id, name: users.name, verificationStatus: users.verificationStatus },
          document: mediaAttachments,
          reviewerName: reviewers.name,
        })
        .from(verificationRequests)
        .innerJoin(users, and(eq(users.id, verificationRequests.userId), eq(users.tenantId, actor.tenantId)))
        .innerJoin(mediaAttachments, and(eq(mediaAttachments.id, verificationRequests.documentId), eq(mediaAttachments.tenantId, actor.tenantId)))
        .leftJoin(reviewers, and(eq(reviewers.id, verificationRequests.reviewerId), eq(reviewers.tenantId, actor.tenantId)))
        .where(and(eq(verificationRequests.id, requestId), eq(verificationRequests.tenantId, actor.tenantId)))
        .limit(1);
      if (!row) throw verificationNotFound(requestId);
      const { request, resident, document } = row;
      return {
        id: request.id,
        state: request.state,
        createdAt: request.createdAt,
        resident,
        document: {
          fileId: document.fileId,
          originalFilename: document.originalFilename,
          contentType: document.contentType,
          size: document.size,
          uploadedAt: document.confirmedAt ?? document.createdAt,
        },
        ocrText: request.ocrText,
        fields: toStoredFields(request.extractedFields),
        checks: toStoredChecks(request.checks),
        readFailure: request.readFailure,
        reviewerName: row.reviewerName,
        decidedAt: request.decidedAt,
        decisionReason: request.decisionReason,
      };
    },
    db,
  );
}
