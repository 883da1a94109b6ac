import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { mediaAttachments, tenants, users, verificationRequests } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { AppError } from "@/lib/errors";
import { registerJobHandler, type JobContext } from "@/lib/jobs";
import { getStorage } from "@/lib/storage";
import { DocumentRejectedError } from "./document-rejected-error";
import { getOcrPool } from "./ocr-pool";
import { readProofOfResidence, type ProofOfResidenceReading } from "./read-proof-of-residence";
import { READ_DOCUMENT_ATTEMPTS, READ_DOCUMENT_JOB } from "./verification-requests";

const Payload = z.object({ verificationRequestId: z.uuid() });

/** Registers the job that reads proof-of-residence documents. */
export function registerVerificationJobHandlers(): void {
  registerJobHandler(READ_DOCUMENT_JOB, readVerificationDocument);
}

/**
 * Reads a submitted document and stores its text, extracted fields and checks, leaving the request
 * `needs_review` for a manager. A file the reader rejects, or one that keeps failing until the last
 * attempt, is stored with `read_failure` and still waits for a person: nothing is rejected
 * automatically. Storage and OCR outages before the last attempt throw, so the worker retries.
 */
export async function readVerificationDocument(payload: Record<string, unknown>, ctx: JobContext): Promise<void> {
  const { verificationRequestId } = Payload.parse(payload);
  const { tx, tenantId, log } = ctx;

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
    log.warn({ verificationRequestId }, "verification request not found; nothing to read");
    return;
  }
  const { request, document, resident, tenant } = row;
  // A manager may decide before the reader finishes; the decision is kept and the reading is skipped.
  if (request.state !== "queued" && request.state !== "reading") {
    log.info({ verificationRequestId, state: request.state }, "verification request already decided or read; skipping");
    return;
  }

  let reading: ProofOfResidenceReading | null = null;
  let failure: string | null = null;
  // NOTE: the worker runs handlers inside the tenant transaction, so OCR (about 10 s for an A4 scan)
  // keeps a database connection busy. Under PGlite, which has a single connection, other requests wait meanwhile.
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
          residentName: resident.name,
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
      throw error;
    }
  }

  await storeReading(tx, { tenantId, requestId: request.id, documentId: document.id, reading, failure });
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

async function readDocumentBytes(bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await getStorage().readObject(bucket, key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function storeReading(
  tx: Tx,
  input: { tenantId: string; requestId: string; documentId: string; reading: ProofOfResidenceReading | null; failure: string | null },
): Promise<void> {
  const { tenantId, requestId, documentId, reading, failure } = input;
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
    .where(
      and(
        eq(verificationRequests.id, requestId),
        eq(verificationRequests.tenantId, tenantId),
        inArray(verificationRequests.state, ["queued", "reading"]),
      ),
    );
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
}
