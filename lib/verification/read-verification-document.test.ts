// The read job against the single-connection PGlite database of the demo, with an OCR pool stub whose
// recognitions wait until the test releases them, so the database can be used mid-read.

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import pino from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem, withTenant } from "@/db/client";
import { auditEvents, jobs, mediaAttachments, verificationRequests } from "@/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { runDueJobs } from "@/lib/jobs/run-due-jobs";
import { bucketFor, getStorage, resetStorageForTests } from "@/lib/storage";
import { actorFor, createTenant, createUser, type TenantRow, type UserRow } from "@/lib/uploads/test-factories";
import { createPgliteDatabase, type TestDatabase } from "@/test/db";
import type { OcrPool, OcrResult } from "./ocr-pool";
import { readVerificationDocument, registerVerificationJobHandlers } from "./read-verification-document";
import { submitProofOfResidence } from "./submit-proof-of-residence";

const UPLOADED_AT = new Date("2026-12-04T09:00:00+02:00");
/** A query that waits longer than this for the database counts as blocked. */
const BLOCKED_AFTER_MS = 5_000;

let database: TestDatabase;
let storageDir: string;
let tenant: TenantRow;
const processGlobals = globalThis as typeof globalThis & { __bikaOcrPool?: Promise<OcrPool> };

/** Returns an OCR pool stub whose recognitions wait until `release` is called, and a promise of the first call. */
function gatedPool() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let signalStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    signalStarted = resolve;
  });
  const pool: OcrPool = {
    size: 1,
    usable: true,
    close: async () => {},
    recognize: async (): Promise<OcrResult> => {
      signalStarted();
      await gate;
      return { lines: [], confidence: 0.9 };
    },
  };
  return { pool, started, release };
}

function withinDeadline<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${BLOCKED_AFTER_MS} ms`)), BLOCKED_AFTER_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Stores a blank page as a resident's confirmed upload and submits it; returns the request id. */
async function submitBlankPage(resident: UserRow): Promise<string> {
  const bytes = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#f0f0f0" } }).png().toBuffer();
  const fileId = randomUUID();
  const bucket = bucketFor("proof_of_residence");
  const objectKey = `${tenant.id}/proof_of_residence/2026/12/${fileId}`;
  await getStorage().putObject(bucket, objectKey, bytes, { contentType: "image/png", serverSideEncryption: "AES256" });
  await database.db.insert(mediaAttachments).values({
    tenantId: tenant.id,
    ownerId: resident.id,
    fileId,
    bucket,
    objectKey,
    originalFilename: "statement.png",
    declaredContentType: "image/png",
    contentType: "image/png",
    sniffedContentType: "image/png",
    declaredSize: bytes.length,
    size: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    purpose: "proof_of_residence",
    source: "web",
    state: "uploaded",
    uploadExpiresAt: UPLOADED_AT,
    confirmedAt: UPLOADED_AT,
  });
  const { id } = await submitProofOfResidence(actorFor(resident, tenant), { fileId }, { requestId: "test-request" }, database.db);
  return id;
}

async function requestState(id: string) {
  const [row] = await withSystem((tx) => tx.select({ state: verificationRequests.state }).from(verificationRequests).where(eq(verificationRequests.id, id)), database.db);
  return row?.state;
}

async function documentReadEvents(id: string) {
  return withSystem(
    (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "verification.document_read"))),
    database.db,
  );
}

beforeAll(async () => {
  database = await createPgliteDatabase();
  storageDir = await mkdtemp(path.join(os.tmpdir(), "bika-storage-"));
  process.env.STORAGE_DIR = storageDir;
  process.env.APP_SECRET = randomBytes(32).toString("hex");
  resetEnvForTests();
  resetStorageForTests();
  registerVerificationJobHandlers();
  tenant = await createTenant(database.db);
}, 60_000);

afterAll(async () => {
  processGlobals.__bikaOcrPool = undefined;
  await database?.drop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

describe("read job on PGlite", () => {
  it("leaves the database usable during OCR", async () => {
    const resident = await createUser(database.db, tenant, "resident");
    const id = await submitBlankPage(resident);
    const ocr = gatedPool();
    processGlobals.__bikaOcrPool = Promise.resolve(ocr.pool);
    try {
      const running = runDueJobs({ db: database.db, now: new Date(Date.now() + 1000) });
      await withinDeadline(ocr.started, "waiting for the job to reach OCR");

      // PGlite has one connection, so these would wait for the whole read if it held a transaction.
      expect(await withinDeadline(requestState(id), "reading the request during OCR")).toBe("reading");
      const tenantRows = await withinDeadline(
        withTenant(tenant.id, (tx) => tx.select({ id: verificationRequests.id }).from(verificationRequests), database.db),
        "a tenant query during OCR",
      );
      expect(tenantRows.map((row) => row.id)).toContain(id);

      ocr.release();
      expect(await running).toEqual({ done: 1, retried: 0, failed: 0 });
      expect(await requestState(id)).toBe("needs_review");
      expect(await documentReadEvents(id)).toHaveLength(1);
    } finally {
      processGlobals.__bikaOcrPool = undefined;
    }
  }, 60_000);

  it("keeps a decision made during OCR", async () => {
    const resident = await createUser(database.db, tenant, "resident");
    const id = await submitBlankPage(resident);
    const ocr = gatedPool();
    processGlobals.__bikaOcrPool = Promise.resolve(ocr.pool);
    try {
      const running = runDueJobs({ db: database.db, now: new Date(Date.now() + 1000) });
      await withinDeadline(ocr.started, "waiting for the job to reach OCR");
      await withinDeadline(
        withSystem((tx) => tx.update(verificationRequests).set({ state: "rejected", decisionReason: "Decided during the read." }).where(eq(verificationRequests.id, id)), database.db),
        "deciding during OCR",
      );

      ocr.release();
      expect(await running).toEqual({ done: 1, retried: 0, failed: 0 });
      expect(await requestState(id)).toBe("rejected");
      expect(await documentReadEvents(id)).toEqual([]);
    } finally {
      processGlobals.__bikaOcrPool = undefined;
    }
  }, 60_000);

  it("stores once when two readers race", async () => {
    const resident = await createUser(database.db, tenant, "resident");
    const id = await submitBlankPage(resident);
    // The queued job is run by hand below, twice at once, as a retry overlapping a slow first attempt would.
    await withSystem((tx) => tx.update(jobs).set({ state: "done" }).where(eq(jobs.state, "queued")), database.db);
    const ocr = gatedPool();
    processGlobals.__bikaOcrPool = Promise.resolve(ocr.pool);
    try {
      const context = (attempt: number) => ({ db: database.db, jobId: randomUUID(), tenantId: tenant.id, attempt, log: pino({ level: "silent" }) });
      const readers = [
        readVerificationDocument({ verificationRequestId: id }, context(1)),
        readVerificationDocument({ verificationRequestId: id }, context(2)),
      ];
      await withinDeadline(ocr.started, "waiting for the readers to reach OCR");
      ocr.release();
      await Promise.all(readers);

      expect(await requestState(id)).toBe("needs_review");
      expect(await documentReadEvents(id)).toHaveLength(1);
    } finally {
      processGlobals.__bikaOcrPool = undefined;
    }
  }, 60_000);
});
