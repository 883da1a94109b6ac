import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Tx } from "@/db/client";
import { mediaAttachments, tenants, users, verificationRequests } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import { registerJobHandlerWithoutTransaction, type StandaloneJobContext } from "@/lib/jobs";
import type { Logger } from "@/lib/log";
import { getStorage } from "@/lib/storage";
import { DocumentRejectedError } from "./document-rejected-error";
import { getOcrPool } from "./ocr-pool";
import { readProofOfResidence, type ProofOfResidenceReading } from "./read-proof-of-residence";
import { READ_DOCUMENT_ATTEMPTS, READ_DOCUMENT_JOB } from "./verification-requests";

const Payload = z.object({ verificationRequestId: z.uuid() });

/** Registers the job that reads proof-of-residence documents. */
export function registerVerificationJobHandlers(): void {
  registerJobHandlerWithoutTransaction(READ_DOCUMENT_JOB, readVerificationDocument);
}

interface ClaimedRead {
  requestId: string;
  document: typeof mediaAttachments.$inferSelect;
  residentName: string;
  tenant: typeof tenants.$inferSelect;
}

/**
 * Reads a submitted document and stores its text, extracted fields and checks, leaving the request
 * `needs_review` for a manager. A file the reader rejects, or one that keeps failing until the last
 * attempt, is stored with `read_failure` and still waits for a person: nothing is rejected
 * automatically. Storage and OCR outages before the last attempt throw, so the worker retries.
 *
 * OCR takes about 2 to 10 s a page, so it runs outside any transaction, between a short one that
 * claims the request (state `reading`) and a short one that stores the result. The second locks the
 * request and stores only if it is still `queued` or `reading`. A manager's decision made meanwhile
 * is therefore kept, and when a retry or a second worker reads the same request, the first to store
 * wins and the others store nothing.
 */
export async function readVerificationDocument(payload: Record<string, unknown>, ctx: StandaloneJobContext): Promise<void> {
  const { verificationRequestId } = Payload.parse(payload);
  const { tenantId, log, db } = ctx;

  const claimed = await withTenant(tenantId, (tx) => claimRequest(tx, tenantId, verificationRequestId, log), db);
  if (!claimed) return;
  const { document, residentName, tenant } = claimed;

  let reading: ProofOfResidenceReading | null = null;
  let failure: string | null = null;
  try {
    const bytes = await readDocumentBytes(document.bucket, document.objectKey);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (document.sha256 && sha256 !== document.sha256) {
      failure = `changed_after_upload: the stored file's SHA-256 is ${sha256}, but ${document.sha256} was recorded when it was uploaded`;
    } else {
      reading = await readProofOfResidence(
        bytes,
        {
          tenantSlug: tenant.slug,
          tenantMunicipality: tenant.name,
          residentName,
          uploadedAt: document.confirmedAt ?? document.createdAt,
        },
        () => getOcrPool(),
      );
    }
  } catch (error) {
    if (error instanceof DocumentRejectedError) {
      failure = `${error.reason}: ${error.message}`;
    } else if (error instanceof AppError && error.code === "not_found") {
      failure = `missing: the stored file ${document.objectKey} was not found in bucket ${document.bucket}`;
    } else if (ctx.attempt >= READ_DOCUMENT_ATTEMPTS) {
      log.error({ err: error, verificationRequestId }, "reading the document failed on the last attempt; leaving it for a person");
      failure = `reader_error: reading failed ${ctx.attempt} times, the last time with: ${error instanceof Error ? error.message : String(error)}`;
    } else {
      // The request goes back to `queued` for the retry, so `reading` means a reader is at work.
      await withTenant(tenantId, (tx) => releaseClaim(tx, tenantId, claimed.requestId), db);
      throw error;
    }
  }

  const stored = await withTenant(
    tenantId,
    (tx) => storeReading(tx, { tenantId, requestId: claimed.requestId, documentId: document.id, reading, failure }),
    db,
  );
  if (!stored.stored) {
    log.info({ verificationRequestId, state: stored.state }, "verification request was decided or stored by another reader during the read, so this result was not stored");
    return;
  }
  log.info(
    {
      verificationRequestId,
      source: reading?.source ?? null,
      pagesRead: reading?.pagesRead ?? 0,
      durationMs: reading?.durationMs ?? null,
      failed: failure !== null,
    },
    "proof-of-residence document read",
  );
}

// Loads what the reader needs and marks the request `reading`. Returns null when there is nothing to
// read: the request is gone, or a manager decided or a reader stored it already.
async function claimRequest(tx: Tx, tenantId: string, verificationRequestId: string, log: Logger): Promise<ClaimedRead | null> {
  const [row] = await tx
    .select({ request: verificationRequests, document: mediaAttachments, resident: { name: users.name }, tenant: tenants })
    .from(verificationRequests)
    .innerJoin(mediaAttachments, and(eq(mediaAttachments.id, verificationRequests.documentId), eq(mediaAttachments.tenantId, tenantId)))
    .innerJoin(users, and(eq(users.id, verificationRequests.userId), eq(users.tenantId, tenantId)))
    .innerJoin(tenants, eq(tenants.id, verificationRequests.tenantId))
    .where(and(eq(verificationRequests.id, verificationRequestId), eq(verificationRequests.tenantId, tenantId)))
    .limit(1)
    .for("update", { of: verificationRequests });
  if (!row) {
    log.warn({ verificationRequestId }, "verification request not found, so there is nothing to read");
    return null;
  }
  const { request, document, resident, tenant } = row;
  // A manager may decide before the reader starts; the decision is kept and the reading is skipped.
  if (request.state !== "queued" && request.state !== "reading") {
    log.info({ verificationRequestId, state: request.state }, "verification request already decided or read, so the read is skipped");
    return null;
  }
  if (request.state === "queued") {
    await tx
      .update(verificationRequests)
      .set({ state: "reading", updatedAt: new Date() })
      .where(and(eq(verificationRequests.id, request.id), eq(verificationRequests.tenantId, tenantId)));
  }
  return { requestId: request.id, document, residentName: resident.name, tenant };
}

async function readDocumentBytes(bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await getStorage().readObject(bucket, key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function releaseClaim(tx: Tx, tenantId: string, requestId: string): Promise<void> {
  await tx
    .update(verificationRequests)
    .set({ state: "queued", updatedAt: new Date() })
    .where(and(eq(verificationRequests.id, requestId), eq(verificationRequests.tenantId, tenantId), eq(verificationRequests.state, "reading")));
}

// Stores the result if the request still waits for it, and returns whether it did with the state found.
async function storeReading(
  tx: Tx,
  input: { tenantId: string; requestId: string; documentId: string; reading: ProofOfResidenceReading | null; failure: string | null },
): Promise<{ stored: boolean; state: string | null }> {
  const { tenantId, requestId, documentId, reading, failure } = input;
  const [current] = await tx
    .select({ state: verificationRequests.state })
    .from(verificationRequests)
    .where(and(eq(verificationRequests.id, requestId), eq(verificationRequests.tenantId, tenantId)))
    .for("update");
  if (!current || (current.state !== "queued" && current.state !== "reading")) return { stored: false, state: current?.state ?? null };

  const now = new Date();
  await tx
    .update(verificationRequests)
    .set({
      state: "needs_review",
      ocrText: reading?.text ?? null,
      extractedFields: reading ? { ...reading.fields } : null,
      checks: reading ? { ...reading.checks } : null,
      readFailure: failure,
      updatedAt: now,
    })
    .where(and(eq(verificationRequests.id, requestId), eq(verificationRequests.tenantId, tenantId)));
  await tx
    .update(mediaAttachments)
    .set({ isProcessed: true, processedAt: now, updatedAt: now })
    .where(and(eq(mediaAttachments.id, documentId), eq(mediaAttachments.tenantId, tenantId)));

  await writeAuditEvent(tx, {
    tenantId,
    actorId: null,
    action: "verification.document_read",
    targetType: "verification_request",
    targetId: requestId,
    metadata: reading
      ? {
          source: reading.source,
          pagesRead: reading.pagesRead,
          documentKind: reading.fields.documentKind,
          checks: {
            statementDate: reading.checks.statementDate.status,
            holderName: reading.checks.holderName.status,
            address: reading.checks.address.status,
          },
        }
      : { readFailure: failure?.split(":")[0] ?? null },
  });
  return { stored: true, state: current.state };
}
