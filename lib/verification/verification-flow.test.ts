// Submit, read and decide a proof of residence against PostgreSQL and the local storage driver.
// Only the text-layer PDF fixture is read, because it needs no OCR and takes well under a second.

import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditEvents,
  devOutbox,
  jobs,
  mediaAttachments,
  notificationDeliveries,
  tenants,
  users,
  verificationRequests,
  whatsappConversations,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { runDueJobs } from "@/lib/jobs/run-due-jobs";
import { registerWhatsAppJobHandlers } from "@/lib/notifications/jobs";
import { RESIDENT_NOTICE_JOB } from "@/lib/notifications/resident-notice";
import { bucketFor, getStorage } from "@/lib/storage";
import { getAttachmentUrl } from "@/lib/uploads/get-attachment-url";
import {
  actorFor,
  createTenant,
  createUser,
  startUploadTestEnvironment,
  type TenantRow,
  type UploadTestEnvironment,
  type UserRow,
} from "@/lib/uploads/test-factories";
import { decideVerification } from "./decide-verification";
import { getMyVerification } from "./get-my-verification";
import { getVerificationForReview } from "./get-verification-for-review";
import { listVerificationQueue } from "./list-verification-queue";
import { closeOcrPool, type OcrPool } from "./ocr-pool";
import { registerVerificationJobHandlers } from "./read-verification-document";
import { submitProofOfResidence } from "./submit-proof-of-residence";
import { READ_DOCUMENT_ATTEMPTS } from "./verification-requests";

const FIXTURES = path.join(__dirname, "..", "..", "test", "fixtures", "proof-of-residence");
/** The day the fixtures were made; the statement-date check is judged against this upload time. */
const UPLOADED_AT = new Date("2026-12-04T09:00:00+02:00");
const ctx = { requestId: "test-request" };

let environment: UploadTestEnvironment;
let tenant: TenantRow;
let otherTenant: TenantRow;
let resident: UserRow;
let otherResident: UserRow;
let agent: UserRow;
let manager: UserRow;
let otherManager: UserRow;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  registerVerificationJobHandlers();
  registerWhatsAppJobHandlers();
  // Named after the fixture's municipality, so the address check can pass on the text-layer PDF.
  const [ekurhuleni] = await environment.db
    .insert(tenants)
    .values({ slug: "ekurhuleni", name: "City of Ekurhuleni", code: "EKU" })
    .returning();
  tenant = ekurhuleni!;
  otherTenant = await createTenant(environment.db);
  resident = await createUser(environment.db, tenant, "resident", { name: "Kagiso Molefe", preferredLanguage: "af" });
  otherResident = await createUser(environment.db, tenant, "resident");
  agent = await createUser(environment.db, tenant, "agent");
  manager = await createUser(environment.db, tenant, "manager");
  otherManager = await createUser(environment.db, otherTenant, "manager");
}, 60_000);

afterAll(async () => {
  await closeOcrPool();
  await environment?.close();
});

/** Stores `bytes` as a confirmed proof-of-residence upload of `owner`, as confirmUpload leaves it. */
async function storeDocument(
  owner: UserRow,
  bytes: Buffer,
  contentType: string,
  source: "web" | "whatsapp" = "web",
): Promise<typeof mediaAttachments.$inferSelect> {
  const fileId = randomUUID();
  const bucket = bucketFor("proof_of_residence");
  const objectKey = `${owner.tenantId}/proof_of_residence/2026/12/${fileId}`;
  await getStorage().putObject(bucket, objectKey, bytes, { contentType, serverSideEncryption: "AES256" });
  const [row] = await environment.db
    .insert(mediaAttachments)
    .values({
      tenantId: owner.tenantId,
      ownerId: owner.id,
      fileId,
      bucket,
      objectKey,
      originalFilename: contentType === "application/pdf" ? "statement.pdf" : "statement.png",
      declaredContentType: contentType,
      contentType,
      sniffedContentType: contentType,
      declaredSize: bytes.length,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      purpose: "proof_of_residence",
      source,
      state: "uploaded",
      uploadExpiresAt: UPLOADED_AT,
      confirmedAt: UPLOADED_AT,
    })
    .returning();
  return row!;
}

async function requestRow(id: string) {
  const [row] = await environment.db.select().from(verificationRequests).where(eq(verificationRequests.id, id));
  return row!;
}

async function userRow(id: string) {
  const [row] = await environment.db.select().from(users).where(eq(users.id, id));
  return row!;
}

async function resetUser(user: UserRow) {
  await environment.db
    .update(users)
    .set({ verificationStatus: "unverified", verifiedAddress: null, verifiedAt: null, verificationDocumentId: null })
    .where(eq(users.id, user.id));
}

describe("verification flow", () => {
  it("reads and approves a text-layer PDF", async () => {
    const pdf = await readFile(path.join(FIXTURES, "ekurhuleni_text_statement.pdf"));
    const document = await storeDocument(resident, pdf, "application/pdf");
    const residentActor = actorFor(resident, tenant);

    const { id } = await submitProofOfResidence(residentActor, { fileId: document.fileId }, ctx);
    expect((await requestRow(id)).state).toBe("queued");
    expect((await userRow(resident.id)).verificationStatus).toBe("pending");
    expect(await getMyVerification(residentActor)).toEqual({ status: "pending", verifiedAddress: null, verifiedAt: null });

    const outcome = await runDueJobs();
    expect(outcome).toEqual({ done: 1, retried: 0, failed: 0 });

    const read = await requestRow(id);
    expect(read.state).toBe("needs_review");
    expect(read.readFailure).toBeNull();
    expect(read.ocrText).toContain("MOLEFE");
    const review = await getVerificationForReview(actorFor(manager, tenant), id);
    expect(review.fields?.holderName.value).toBe("KAGISO MOLEFE");
    expect(review.checks?.statementDate.status).toBe("passed");
    expect(review.checks?.holderName.status).toBe("passed");
    expect(review.checks?.address.status).toBe("passed");
    expect(review.document.fileId).toBe(document.fileId);
    const [attachment] = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, document.id));
    expect(attachment!.isProcessed).toBe(true);

    const queue = await listVerificationQueue(actorFor(manager, tenant));
    expect(queue.map((item) => item.id)).toContain(id);
    expect(queue.find((item) => item.id === id)?.checks?.holderName).toBe("passed");

    const decided = await decideVerification(actorFor(manager, tenant), { id, decision: "approve", fields: { suburb: "Edited Suburb" } }, ctx);
    expect(decided.status).toBe("verified");

    const user = await userRow(resident.id);
    expect(user.verificationStatus).toBe("verified");
    expect(user.verifiedAddress).toContain("Edited Suburb");
    expect(user.verificationDocumentId).toBe(document.fileId);
    expect(user.verifiedAt).not.toBeNull();
    const mine = await getMyVerification(residentActor);
    expect(mine.status).toBe("verified");
    expect(mine.verifiedAddress).toBe(user.verifiedAddress);

    const decidedRow = await requestRow(id);
    expect(decidedRow.state).toBe("approved");
    expect(decidedRow.reviewerId).toBe(manager.id);
    const audit = await environment.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "verification.approved")));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.metadata).toMatchObject({ changedFields: ["suburb"] });

    const messages = await environment.db.select().from(devOutbox).where(eq(devOutbox.recipient, resident.phone!));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.channel).toBe("sms");
    expect(messages[0]!.body).toContain("aanvaar");
    expect(messages[0]!.body).not.toContain("Edited Suburb");
    expect(messages[0]!.body).not.toContain("MOLEFE");

    await expect(decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "Again" }, ctx)).rejects.toMatchObject({
      code: "conflict",
    });
    await resetUser(resident);
  }, 60_000);

  it("keeps an unreadable document in the queue", async () => {
    const document = await storeDocument(otherResident, Buffer.from("%PDF-1.7\nthis is not really a PDF\n%%EOF\n"), "application/pdf");
    const { id } = await submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx);

    expect((await runDueJobs()).done).toBe(1);

    const row = await requestRow(id);
    expect(row.state).toBe("needs_review");
    expect(row.readFailure).toMatch(/^corrupt: /);
    expect(row.extractedFields).toBeNull();
    const queue = await listVerificationQueue(actorFor(manager, tenant));
    expect(queue.find((item) => item.id === id)).toMatchObject({ state: "needs_review", readFailed: true, checks: null });
    expect((await userRow(otherResident.id)).verificationStatus).toBe("pending");

    await expect(decideVerification(actorFor(manager, tenant), { id, decision: "reject" }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { reason: ["Give a reason for rejecting the document."] },
    });
    await expect(decideVerification(actorFor(manager, tenant), { id, decision: "approve" }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
    });
    await decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "The file is not a readable statement." }, ctx);
    expect((await userRow(otherResident.id)).verificationStatus).toBe("rejected");
    expect((await requestRow(id)).decisionReason).toBe("The file is not a readable statement.");
    await resetUser(otherResident);
  }, 60_000);

  it("tells a WhatsApp resident on WhatsApp", async () => {
    const whatsappResident = await createUser(environment.db, tenant, "resident", { preferredLanguage: "zu" });
    const document = await storeDocument(whatsappResident, Buffer.from("%PDF-1.7\nnot a statement\n%%EOF\n"), "application/pdf", "whatsapp");
    const { id } = await submitProofOfResidence(actorFor(whatsappResident, tenant), { fileId: document.fileId }, ctx);
    expect((await runDueJobs()).done).toBe(1);

    await decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "Not a municipal account." }, ctx);
    expect(await environment.db.select().from(devOutbox).where(eq(devOutbox.recipient, whatsappResident.phone!))).toEqual([]);
    const [notice] = await environment.db.select().from(jobs).where(and(eq(jobs.kind, RESIDENT_NOTICE_JOB), eq(jobs.state, "queued")));
    expect(notice?.payload).toMatchObject({ recipientId: whatsappResident.id, purpose: "verification_outcome", locale: "zu" });

    // The resident wrote within the last 24 hours, so WhatsApp allows the free text.
    await environment.db.insert(whatsappConversations).values({ tenantId: tenant.id, phone: whatsappResident.phone!, lastInboundAt: new Date() });
    expect((await runDueJobs()).done).toBe(1);
    const [message] = await environment.db.select().from(devOutbox).where(eq(devOutbox.recipient, whatsappResident.phone!));
    expect(message?.channel).toBe("whatsapp");
    expect(message?.body).toBe(notice?.payload.body);
    const [delivery] = await environment.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.recipientId, whatsappResident.id));
    expect(delivery).toMatchObject({ purpose: "verification_outcome", transport: "outbox", status: "outbox", locale: "zu" });
  }, 60_000);

  it("requires a reason to approve over a failed check", async () => {
    const document = await storeDocument(otherResident, Buffer.from("%PDF-1.7\nchecked\n"), "application/pdf");
    const { id } = await submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx);
    // This test plays the reader's part itself, so the queued read must not run in a later test.
    await environment.db.delete(jobs).where(sql`${jobs.payload}->>'verificationRequestId' = ${id}`);
    const address = { streetNumber: { value: "12", confidence: 0.9 }, street: { value: "Church Street", confidence: 0.9 } };
    await environment.db
      .update(verificationRequests)
      .set({
        state: "needs_review",
        extractedFields: { address },
        checks: {
          statementDate: { status: "passed", reason: "Dated last week." },
          holderName: { status: "failed", reason: "The bill names someone else." },
          address: { status: "unknown", reason: "Suburb not in the gazetteer." },
        },
      })
      .where(eq(verificationRequests.id, id));
    const managerActor = actorFor(manager, tenant);
    const fields = { streetNumber: "12", street: "Church Street", suburb: "Arcadia", city: "Pretoria", postalCode: "0083" };

    await expect(decideVerification(managerActor, { id, decision: "approve", fields }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: "Give a reason for approving although these checks failed: Holder name.",
    });
    expect((await requestRow(id)).state).toBe("needs_review");

    const reason = "The account holder is the resident's landlord; lease seen at the office.";
    await decideVerification(managerActor, { id, decision: "approve", reason, fields }, ctx);
    expect((await requestRow(id)).decisionReason).toBe(reason);
    expect((await userRow(otherResident.id)).verificationStatus).toBe("verified");
    await resetUser(otherResident);
  });

  it("records a changed file as a read failure", async () => {
    const document = await storeDocument(otherResident, Buffer.from("%PDF-1.7\noriginal\n"), "application/pdf");
    await getStorage().putObject(document.bucket, document.objectKey, Buffer.from("%PDF-1.7\nreplaced\n"), {
      contentType: "application/pdf",
      serverSideEncryption: "AES256",
    });
    const { id } = await submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx);

    await runDueJobs();

    expect((await requestRow(id)).readFailure).toMatch(/^changed_after_upload: /);
    await decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "Changed." }, ctx);
    await resetUser(otherResident);
  }, 60_000);

  it("queues the read job with its attempts", async () => {
    const document = await storeDocument(otherResident, Buffer.from("%PDF-1.7\n"), "application/pdf");
    const { id } = await submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx);
    const queued = (await environment.db.select().from(jobs).where(eq(jobs.kind, "verification.read_document"))).filter(
      (job) => (job.payload as { verificationRequestId?: string }).verificationRequestId === id,
    );
    expect(queued).toHaveLength(1);
    expect(queued[0]!.maxAttempts).toBe(READ_DOCUMENT_ATTEMPTS);

    await expect(submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx)).rejects.toMatchObject({
      code: "conflict",
    });
    await runDueJobs();
    await decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "Test cleanup." }, ctx);
    await resetUser(otherResident);
  }, 60_000);
});

describe("verification read retries", () => {
  it("hands a failing read to a person", async () => {
    // A pool whose every job fails as a crashed worker does, installed where getOcrPool keeps the process's pool.
    const failingPool: OcrPool = {
      size: 1,
      usable: true,
      recognize: () => Promise.reject(new AppError("unavailable", "The OCR worker stopped unexpectedly; try again")),
      close: async () => {},
    };
    const processGlobals = globalThis as typeof globalThis & { __bikaOcrPool?: Promise<OcrPool> };
    processGlobals.__bikaOcrPool = Promise.resolve(failingPool);
    try {
      const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#f0f0f0" } }).png().toBuffer();
      const document = await storeDocument(otherResident, png, "image/png");
      const { id } = await submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx);

      let now = Date.now();
      for (let attempt = 1; attempt < READ_DOCUMENT_ATTEMPTS; attempt += 1) {
        expect(await runDueJobs({ now: new Date(now) })).toEqual({ done: 0, retried: 1, failed: 0 });
        expect((await requestRow(id)).state).toBe("queued");
        now += 60 * 60 * 1000;
      }
      expect(await runDueJobs({ now: new Date(now) })).toEqual({ done: 1, retried: 0, failed: 0 });

      const row = await requestRow(id);
      expect(row.state).toBe("needs_review");
      expect(row.readFailure).toMatch(new RegExp(`^reader_error: reading failed ${READ_DOCUMENT_ATTEMPTS} times`));
      await decideVerification(actorFor(manager, tenant), { id, decision: "reject", reason: "Test cleanup." }, ctx);
      await resetUser(otherResident);
    } finally {
      processGlobals.__bikaOcrPool = undefined;
    }
  }, 60_000);
});

describe("verification authorization", () => {
  it("rejects another resident's upload", async () => {
    const document = await storeDocument(resident, Buffer.from("%PDF-1.7\n"), "application/pdf");
    await expect(submitProofOfResidence(actorFor(otherResident, tenant), { fileId: document.fileId }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getAttachmentUrl(actorFor(otherResident, tenant), document.fileId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("rejects an evidence upload", async () => {
    const document = await storeDocument(resident, Buffer.from("%PDF-1.7\n"), "application/pdf");
    await environment.db.update(mediaAttachments).set({ purpose: "evidence" }).where(eq(mediaAttachments.id, document.id));
    await expect(submitProofOfResidence(actorFor(resident, tenant), { fileId: document.fileId }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("rejects residents and agents", async () => {
    const document = await storeDocument(resident, Buffer.from("%PDF-1.7\n"), "application/pdf");
    const { id } = await submitProofOfResidence(actorFor(resident, tenant), { fileId: document.fileId }, ctx);

    for (const actor of [actorFor(otherResident, tenant), actorFor(resident, tenant), actorFor(agent, tenant)]) {
      await expect(listVerificationQueue(actor)).rejects.toMatchObject({ code: "forbidden" });
      await expect(getVerificationForReview(actor, id)).rejects.toMatchObject({ code: "forbidden" });
      await expect(decideVerification(actor, { id, decision: "approve" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(getMyVerification(actorFor(manager, tenant))).rejects.toMatchObject({ code: "forbidden" });
    await expect(getAttachmentUrl(actorFor(agent, tenant), document.fileId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({
      code: "forbidden",
    });
    expect((await requestRow(id)).state).toBe("queued");
  });

  it("hides requests from another tenant's manager", async () => {
    const [pending] = await environment.db
      .select({ id: verificationRequests.id })
      .from(verificationRequests)
      .where(and(eq(verificationRequests.userId, resident.id), eq(verificationRequests.state, "queued")));
    const outsider = actorFor(otherManager, otherTenant);

    await expect(getVerificationForReview(outsider, pending!.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(decideVerification(outsider, { id: pending!.id, decision: "reject", reason: "No" }, ctx)).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await listVerificationQueue(outsider)).toEqual([]);
    await expect(getVerificationForReview(actorFor(manager, tenant), "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
  });
});
