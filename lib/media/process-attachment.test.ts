import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import exifr from "exifr";
import { NextRequest } from "next/server";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { withTenant } from "@/db/client";
import { auditEvents, jobs, mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { registerJobHandler } from "@/lib/jobs";
import { runDueJobs } from "@/lib/jobs/run-due-jobs";
import { log } from "@/lib/log";
import { getStorage } from "@/lib/storage";
import { buildObjectKey } from "@/lib/storage/keys";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { buildUploadForm } from "@/lib/uploads/client/storage-post";
import { confirmUpload } from "@/lib/uploads/confirm-upload";
import { createUploadIntent } from "@/lib/uploads/create-upload-intent";
import { actorFor, createTenant, createUser, getAttachmentRow, startUploadTestEnvironment, type UploadTestEnvironment } from "@/lib/uploads/test-factories";
import { insertAttachment } from "@/test/factories";
import { DISPLAY_MAX_SIDE, THUMBNAIL_MAX_SIDE } from "./derivatives";
import { processAttachment, runProcessAttachmentJob, type ProcessAttachmentOutcome } from "./process-attachment";
import { PROCESS_ATTACHMENT_ATTEMPTS, PROCESS_ATTACHMENT_JOB } from "./queue-attachment-processing";
import { buildFtypBox } from "./testing/ftyp-box";
import { loadExpectedPhotos, readPhotoFixture } from "./testing/photo-fixtures";
import { buildOversizedPngHeader } from "./testing/png-header";

const ctx = { requestId: "test-process-attachment", locale: "en" as const };
const MB = 1024 * 1024;

let environment: UploadTestEnvironment;
let resident: Actor;

type Row = typeof mediaAttachments.$inferSelect;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  const tenant = await createTenant(environment.db);
  resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  registerJobHandler(PROCESS_ATTACHMENT_JOB, runProcessAttachmentJob);
});

afterAll(async () => {
  await environment?.close();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Uploads through the browser's path (intent, local storage route, confirm) and returns the attachment row. */
async function upload(filename: string, bytes: Buffer, type: string): Promise<Row> {
  const intent = await createUploadIntent(resident, { purpose: "evidence", filename, declaredType: type, size: bytes.length }, ctx);
  const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", {
    method: "POST",
    body: buildUploadForm(intent.fields, new Blob([new Uint8Array(bytes)]), filename),
  });
  expect((await postUpload(request, { params: Promise.resolve({}) })).status).toBe(204);
  await confirmUpload(resident, intent.fileId, ctx);
  return getAttachmentRow(environment.db, intent.fileId);
}

/** Stores bytes and inserts an `uploaded` row for them directly, as a source that skipped confirm's sniffing would. */
async function storeUnchecked(bytes: Buffer, contentType: string, filename: string): Promise<Row> {
  const fileId = crypto.randomUUID();
  const objectKey = buildObjectKey({ tenantId: resident.tenantId, purpose: "evidence", fileId, now: new Date() });
  await getStorage().putObject("evidence", objectKey, bytes, { contentType, serverSideEncryption: SERVER_SIDE_ENCRYPTION });
  return insertAttachment(environment.db, {
    tenantId: resident.tenantId,
    ownerId: resident.userId,
    fileId,
    objectKey,
    originalFilename: filename,
    contentType,
    sniffedContentType: contentType,
    declaredSize: bytes.length,
    size: bytes.length,
    sha256: sha256Of(bytes),
  });
}

function runProcessing(row: Row): Promise<ProcessAttachmentOutcome> {
  return withTenant(resident.tenantId, (tx) => processAttachment(tx, { tenantId: resident.tenantId, attachmentId: row.id }, { log }), environment.db);
}

async function readStored(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await getStorage().readObject("evidence", key)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function auditActions(row: Row): Promise<string[]> {
  const events = await environment.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, row.id));
  return events.map((event) => event.action).sort();
}

async function jobFor(row: Row) {
  const [job] = await environment.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, PROCESS_ATTACHMENT_JOB), sql`${jobs.payload}->>'attachmentId' = ${row.id}`));
  return job;
}

/** Expected size of a derivative: the upright size scaled to fit `maxSide`, never enlarged. */
function fitInside(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

const validPhotos = loadExpectedPhotos().filter((photo) => photo.valid_image);

describe("processAttachment", () => {
  it("is queued when an upload is confirmed", async () => {
    const row = await upload("queued.jpg", readPhotoFixture("recurser_Landscape_3.jpg"), "image/jpeg");
    const job = await jobFor(row);
    expect(job).toMatchObject({ state: "queued", tenantId: resident.tenantId, maxAttempts: PROCESS_ATTACHMENT_ATTEMPTS, payload: { attachmentId: row.id } });
  });

  it.each(validPhotos.map((photo) => [photo.file, photo] as const))("processes %s", async (file, expected) => {
    const bytes = readPhotoFixture(file);
    const row = await upload(file, bytes, expected.file.endsWith(".png") ? "image/png" : "image/jpeg");

    const outcome = await runProcessing(row);
    if (outcome.outcome !== "processed" || outcome.kind !== "image") throw new Error(`expected an image outcome, got ${JSON.stringify(outcome)}`);

    // EXIF read on the server equals the README's values.
    expect(outcome.metadata.orientation).toBe(expected.orientation ?? 1);
    if (expected.gps) {
      expect(outcome.metadata.location?.latitude).toBeCloseTo(expected.gps.latitude, 6);
      expect(outcome.metadata.location?.longitude).toBeCloseTo(expected.gps.longitude, 6);
    } else {
      expect(outcome.metadata.location).toBeNull();
    }

    const stored = await getAttachmentRow(environment.db, row.fileId);
    expect(stored.state).toBe("processed");
    expect(stored.isProcessed).toBe(true);
    expect(stored.processedAt).toBeInstanceOf(Date);
    expect(stored.displayKey).toBe(`${row.objectKey}.display.jpg`);
    expect(stored.thumbnailKey).toBe(`${row.objectKey}.thumb.jpg`);
    expect(stored.derivativeContentType).toBe("image/jpeg");
    expect(stored.rejectionReason).toBeNull();
    // Without the resident's consent the position is not stored.
    expect(stored.exifLatitude).toBeNull();
    expect(stored.exifLongitude).toBeNull();
    expect(await auditActions(row)).toEqual(["attachment.processed", "attachment.uploaded"]);

    // The original stays byte for byte.
    expect(sha256Of(await readStored(row.objectKey))).toBe(row.sha256);

    const upright = { width: expected.display_width!, height: expected.display_height! };
    for (const [key, maxSide] of [
      [stored.displayKey!, DISPLAY_MAX_SIDE],
      [stored.thumbnailKey!, THUMBNAIL_MAX_SIDE],
    ] as const) {
      const derivative = await readStored(key);
      expect(await exifr.gps(derivative), key).toBeUndefined();
      expect(await exifr.parse(derivative, { tiff: true, ifd0: {}, exif: true, gps: true, xmp: true, iptc: true, icc: true }), key).toBeUndefined();
      const info = await sharp(derivative).metadata();
      expect(info.format, key).toBe("jpeg");
      expect(info.exif, key).toBeUndefined();
      expect(info.orientation, key).toBeUndefined();
      expect({ width: info.width, height: info.height }, key).toEqual(fitInside(upright.width, upright.height, maxSide));
    }
    expect(outcome.display).toEqual(fitInside(upright.width, upright.height, DISPLAY_MAX_SIDE));
  });

  it("turns quarter-turn photos upright", async () => {
    for (const file of ["own_pothole_soweto_gps_orientation6.jpg", "recurser_Landscape_6.jpg", "recurser_Portrait_8.jpg"]) {
      const bytes = readPhotoFixture(file);
      const storedPixels = await sharp(bytes).metadata();
      const row = await upload(file, bytes, "image/jpeg");
      await runProcessing(row);
      const display = await sharp(await readStored(`${row.objectKey}.display.jpg`)).metadata();
      // Stored landscape pixels come out portrait and the other way round.
      expect(display.width > display.height, file).toBe(storedPixels.height > storedPixels.width);
      expect(display.width / display.height, file).toBeCloseTo(storedPixels.height / storedPixels.width, 2);
    }
  });

  it("records the capture time", async () => {
    const pothole = await upload("pothole.jpg", readPhotoFixture("own_pothole_soweto_gps_orientation6.jpg"), "image/jpeg");
    await runProcessing(pothole);
    expect((await getAttachmentRow(environment.db, pothole.fileId)).capturedAt?.toISOString()).toBe("2026-11-28T05:42:10.000Z");

    // No OffsetTimeOriginal: the camera clock is read as South African Standard Time (UTC+02:00).
    const field = await upload("field.jpg", readPhotoFixture("exifr_IMG_20180725_163423-tiny.jpg"), "image/jpeg");
    await runProcessing(field);
    expect((await getAttachmentRow(environment.db, field.fileId)).capturedAt?.toISOString()).toBe("2018-07-25T14:34:23.000Z");
  });

  it("runs as a job from the worker", async () => {
    const row = await upload("worker.jpg", readPhotoFixture("recurser_Portrait_8.jpg"), "image/jpeg");
    await runDueJobs({ db: environment.db, now: new Date(Date.now() + 1000), batchSize: 100 });
    expect((await jobFor(row))?.state).toBe("done");
    expect(await getAttachmentRow(environment.db, row.fileId)).toMatchObject({ state: "processed", isProcessed: true });
  });

  it("rejects text posing as a JPEG", async () => {
    const row = await storeUnchecked(readPhotoFixture("fake_jpeg_is_text.jpg"), "image/jpeg", "fake_jpeg_is_text.jpg");
    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "not_an_image" });
    const stored = await getAttachmentRow(environment.db, row.fileId);
    expect(stored.state).toBe("rejected");
    expect(stored.rejectionReason).toMatch(/^The file is not an image/);
    expect(stored.displayKey).toBeNull();
    expect(await auditActions(row)).toEqual(["attachment.rejected"]);
  });

  it("rejects a truncated JPEG", async () => {
    const row = await upload("truncated.jpg", readPhotoFixture("truncated.jpg"), "image/jpeg");
    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "truncated" });
    const stored = await getAttachmentRow(environment.db, row.fileId);
    expect(stored.state).toBe("rejected");
    expect(stored.rejectionReason).toMatch(/truncated/);
    expect(stored.isProcessed).toBe(false);
    expect(await getStorage().headObject("evidence", `${row.objectKey}.display.jpg`)).toBeNull();
  });

  it("rejects a decompression bomb", async () => {
    const bomb = buildOversizedPngHeader(20_000, 20_000);
    expect(bomb.length).toBeLessThan(MB);
    const row = await upload("bomb.png", bomb, "image/png");

    const before = process.memoryUsage().rss;
    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "too_many_pixels" });
    // Decoding would allocate 20,000 × 20,000 × 3 bytes (1.2 GB).
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MB);
    expect((await getAttachmentRow(environment.db, row.fileId)).rejectionReason).toContain("20000 × 20000 pixels");
  });

  it("rejects HEIC with a request for JPEG", async () => {
    const heic = buildFtypBox("heic", ["mif1", "heic"], Buffer.alloc(2048, 7));
    const row = await storeUnchecked(heic, "image/heic", "IMG_2041.HEIC");
    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "heif" });
    expect((await getAttachmentRow(environment.db, row.fileId)).rejectionReason).toMatch(/HEIC\/HEIF.*JPEG/);
  });

  it("rejects an original whose bytes changed", async () => {
    const row = await upload("swapped.jpg", readPhotoFixture("recurser_Landscape_3.jpg"), "image/jpeg");
    const other = readPhotoFixture("recurser_Portrait_8.jpg");
    await getStorage().putObject("evidence", row.objectKey, other, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });

    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "integrity" });
    const stored = await getAttachmentRow(environment.db, row.fileId);
    expect(stored.state).toBe("rejected");
    expect(stored.rejectionReason).toContain(`recorded ${row.sha256}, stored bytes hash to ${sha256Of(other)}`);
    expect(stored.displayKey).toBeNull();
  });

  it("rejects a missing original", async () => {
    const row = await upload("gone.jpg", readPhotoFixture("recurser_Landscape_3.jpg"), "image/jpeg");
    await getStorage().deleteObject("evidence", row.objectKey);
    expect(await runProcessing(row)).toMatchObject({ outcome: "rejected", reason: "missing" });
  });

  it("gives a PDF no derivative", async () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
    const row = await upload("statement.pdf", pdf, "application/pdf");
    expect(await runProcessing(row)).toEqual({ outcome: "processed", kind: "icon" });
    expect(await getAttachmentRow(environment.db, row.fileId)).toMatchObject({
      state: "processed",
      isProcessed: true,
      displayKey: null,
      thumbnailKey: null,
      derivativeContentType: null,
    });
  });

  it("skips an attachment already processed", async () => {
    const row = await upload("twice.jpg", readPhotoFixture("recurser_Landscape_3.jpg"), "image/jpeg");
    await runProcessing(row);
    expect(await runProcessing(row)).toEqual({ outcome: "skipped", state: "processed" });
    expect(await auditActions(row)).toEqual(["attachment.processed", "attachment.uploaded"]);
  });

  it("retries, then records the reason", async () => {
    const row = await upload("flaky.jpg", readPhotoFixture("recurser_Landscape_3.jpg"), "image/jpeg");
    const job = (await jobFor(row))!;
    const storage = getStorage();
    const read = storage.readObject.bind(storage);
    vi.spyOn(storage, "readObject").mockImplementation(async (bucket, key, range) => {
      if (key === row.objectKey) throw new AppError("unavailable", `Reading object ${bucket}/${key} from storage failed`);
      return read(bucket, key, range);
    });

    let now = Date.now() + 1000;
    for (let attempt = 1; attempt <= PROCESS_ATTACHMENT_ATTEMPTS; attempt += 1) {
      await runDueJobs({ db: environment.db, now: new Date(now), batchSize: 100 });
      const current = (await environment.db.select().from(jobs).where(eq(jobs.id, job.id)))[0]!;
      expect(current.attempts, `attempt ${attempt}`).toBe(attempt);
      const attachment = await getAttachmentRow(environment.db, row.fileId);
      if (attempt < PROCESS_ATTACHMENT_ATTEMPTS) {
        expect(current.state, `attempt ${attempt}`).toBe("queued");
        expect(current.lastError).toMatch(/from storage failed/);
        expect(attachment.rejectionReason, `attempt ${attempt}`).toBeNull();
        now = current.runAt.getTime();
      } else {
        expect(current.state).toBe("done");
        expect(attachment.state).toBe("uploaded");
        expect(attachment.rejectionReason).toMatch(/^Processing failed after 5 attempts: Reading object .* from storage failed$/);
      }
    }
    expect(await auditActions(row)).toEqual(["attachment.processing_failed", "attachment.uploaded"]);
  });
});
