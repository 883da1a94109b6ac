import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditEvents, mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { buildFtypBox } from "@/lib/media/testing/ftyp-box";
import { getStorage } from "@/lib/storage";
import { S3RVER_CREDENTIALS, startS3Server, type S3TestServer } from "@/test/s3-server";
import { buildUploadForm } from "./client/storage-post";
import { confirmUpload } from "./confirm-upload";
import { createUploadIntent, type UploadIntent } from "./create-upload-intent";
import { forgetIntent, recallIntent, rememberIntent } from "./intent-cache";
import { actorFor, createTenant, createUser, getAttachmentRow, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

// s3rver stores whatever is posted without checking the policy. It plays storage that failed to
// enforce the policy, so confirm must catch every bad object on its own.

const photos = path.resolve(__dirname, "../../test/fixtures/photos");
const ctx = { requestId: "test-confirm-upload", locale: "en" as const };
const buckets = { evidence: "confirm-evidence", documents: "confirm-documents" };
const MB = 1024 * 1024;

let s3: S3TestServer;
let environment: UploadTestEnvironment;
let resident: Actor;
let neighbour: Actor;
let outsider: Actor;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: Object.values(buckets) });
  environment = await startUploadTestEnvironment({ s3: { endpoint: s3.endpoint, ...S3RVER_CREDENTIALS, buckets } });
  const tenant = await createTenant(environment.db);
  resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  neighbour = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  const otherTenant = await createTenant(environment.db);
  outsider = actorFor(await createUser(environment.db, otherTenant, "resident"), otherTenant);
});

afterAll(async () => {
  await environment?.close();
  await s3?.close();
});

async function intentAndPost(input: { filename: string; declaredType: string; declaredSize: number; body: Blob }): Promise<UploadIntent> {
  const intent = await createUploadIntent(
    resident,
    { purpose: "evidence", filename: input.filename, declaredType: input.declaredType, size: input.declaredSize },
    ctx,
  );
  const response = await fetch(intent.url, { method: "POST", body: buildUploadForm(intent.fields, input.body, input.filename) });
  expect(response.status).toBe(204);
  return intent;
}

async function expectRejectedAndDeleted(intent: UploadIntent, reason: RegExp): Promise<void> {
  const row = await getAttachmentRow(environment.db, intent.fileId);
  expect(row.state).toBe("rejected");
  expect(row.rejectionReason).toMatch(reason);
  expect(await getStorage().headObject(buckets.evidence, intent.fields.key!)).toBeNull();
  const events = await environment.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, row.id), eq(auditEvents.action, "attachment.rejected")));
  expect(events).toHaveLength(1);
}

describe("confirmUpload", () => {
  it("rejects text posing as a JPEG and deletes it", async () => {
    const bytes = await readFile(path.join(photos, "fake_jpeg_is_text.jpg"));
    const intent = await intentAndPost({
      filename: "fake_jpeg_is_text.jpg",
      declaredType: "image/jpeg",
      declaredSize: bytes.length,
      body: new Blob([bytes], { type: "image/jpeg" }),
    });

    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message:
        'The file "fake_jpeg_is_text.jpg" is not a JPEG image: its content is text/plain. Please choose the original file and try again.',
    });
    await expectRejectedAndDeleted(intent, /content is text\/plain, expected image\/jpeg/);

    // A second confirm does not resurrect it.
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("rejects a PNG posted as a JPEG", async () => {
    const bytes = await readFile(path.join(photos, "own_no_metadata.png"));
    const intent = await intentAndPost({ filename: "photo.jpg", declaredType: "image/jpeg", declaredSize: bytes.length, body: new Blob([bytes]) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({ message: expect.stringContaining("its content is image/png") });
    await expectRejectedAndDeleted(intent, /content is image\/png/);
  });

  it("asks for a JPEG when a HEIC photo is named .jpg", async () => {
    const heic = buildFtypBox("heic", ["mif1", "heic"], Buffer.alloc(4096, 1));
    const intent = await intentAndPost({ filename: "IMG_2041.jpg", declaredType: "image/jpeg", declaredSize: heic.length, body: new Blob([new Uint8Array(heic)]) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message:
        '"IMG_2041.jpg" is a HEIC/HEIF photo, which we cannot accept. Please send it as a JPEG: set your camera to "Most compatible" or share the photo as JPEG, then add it again.',
    });
    await expectRejectedAndDeleted(intent, /content is HEIF \(hevc, brand heic\), expected image\/jpeg/);
  });

  it("rejects a size other than declared", async () => {
    const bytes = await readFile(path.join(photos, "recurser_Portrait_8.jpg"));
    const intent = await intentAndPost({ filename: "portrait.jpg", declaredType: "image/jpeg", declaredSize: bytes.length - 1, body: new Blob([bytes]) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: `"portrait.jpg" arrived with ${bytes.length} bytes, but it should have ${bytes.length - 1} bytes. Please upload it again.`,
    });
    await expectRejectedAndDeleted(intent, /were declared/);
  });

  it("rejects one byte over the limit", async () => {
    const jpeg = await readFile(path.join(photos, "recurser_Landscape_3.jpg"));
    const body = Buffer.concat([jpeg, Buffer.alloc(15 * MB + 1 - jpeg.length)]);
    const intent = await intentAndPost({ filename: "huge.jpg", declaredType: "image/jpeg", declaredSize: 15 * MB, body: new Blob([body]) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({ message: expect.stringContaining("at most 15 MB") });
    await expectRejectedAndDeleted(intent, /more than the 15728640 allowed/);
  });

  it("rejects a zero-byte object", async () => {
    const intent = await intentAndPost({ filename: "empty.jpg", declaredType: "image/jpeg", declaredSize: 100, body: new Blob([]) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({ message: '"empty.jpg" is empty (0 bytes). Please choose the file again.' });
    await expectRejectedAndDeleted(intent, /empty/);
  });

  it("asks for the file again when nothing arrived", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "lost.jpg", declaredType: "image/jpeg", size: 100 }, ctx);
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: 'We did not receive "lost.jpg". Please upload it again.',
    });
    expect((await getAttachmentRow(environment.db, intent.fileId)).state).toBe("pending");
  });

  it("refuses an expired intent", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "late.jpg", declaredType: "image/jpeg", size: 100 }, ctx);
    const remembered = recallIntent(resident, intent.fileId);
    expect(remembered?.uploadExpiresAt.toISOString()).toBe(intent.expiresAt);
    // Moving the clock would also skew the S3 client's request signatures, so the remembered
    // intent is made to have expired instead.
    rememberIntent({ ...remembered!, uploadExpiresAt: new Date(Date.now() - 1000) });
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: 'The time to upload "late.jpg" ran out (15 minutes). Please add the file again.',
    });
  });

  it("refuses an expired intent from another server", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "late.jpg", declaredType: "image/jpeg", size: 100 }, ctx);
    // This process remembers the intents it issued. One issued elsewhere is read from the database.
    forgetIntent(intent.fileId);
    await environment.db
      .update(mediaAttachments)
      .set({ uploadExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(mediaAttachments.fileId, intent.fileId));
    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: 'The time to upload "late.jpg" ran out (15 minutes). Please add the file again.',
    });
  });

  it("keeps a remembered intent rejected elsewhere", async () => {
    const bytes = await readFile(path.join(photos, "recurser_Landscape_6.jpg"));
    const intent = await intentAndPost({ filename: "twice.jpg", declaredType: "image/jpeg", declaredSize: bytes.length, body: new Blob([bytes]) });
    await environment.db
      .update(mediaAttachments)
      .set({ state: "rejected", rejectionReason: "rejected elsewhere" })
      .where(eq(mediaAttachments.fileId, intent.fileId));

    await expect(confirmUpload(resident, intent.fileId, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("twice.jpg"),
    });
    const row = await getAttachmentRow(environment.db, intent.fileId);
    expect(row.state).toBe("rejected");
    expect(row.sha256).toBeNull();
    const audits = await environment.db.select().from(auditEvents).where(eq(auditEvents.targetId, row.id));
    expect(audits).toEqual([]);
  });

  it("hides another resident's file", async () => {
    const bytes = await readFile(path.join(photos, "recurser_Landscape_6.jpg"));
    const intent = await intentAndPost({ filename: "mine.jpg", declaredType: "image/jpeg", declaredSize: bytes.length, body: new Blob([bytes]) });

    await expect(confirmUpload(neighbour, intent.fileId, ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(confirmUpload(outsider, intent.fileId, ctx)).rejects.toMatchObject({ code: "not_found" });
    // The same user id presented with another tenant is still not the owner there.
    await expect(confirmUpload({ ...resident, tenantId: outsider.tenantId }, intent.fileId, ctx)).rejects.toMatchObject({ code: "not_found" });
    expect((await getAttachmentRow(environment.db, intent.fileId)).state).toBe("pending");

    await expect(confirmUpload(resident, intent.fileId, ctx)).resolves.toMatchObject({ state: "uploaded", size: bytes.length });
  });

  it("hashes the object when storage reports no digest", async () => {
    // s3rver keeps no checksums, so a pinned digest comes back as unknown and confirm reads the bytes.
    const bytes = await readFile(path.join(photos, "recurser_Portrait_8.jpg"));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const intent = await createUploadIntent(
      resident,
      { purpose: "evidence", filename: "portrait.jpg", declaredType: "image/jpeg", size: bytes.length, sha256 },
      ctx,
    );
    const response = await fetch(intent.url, { method: "POST", body: buildUploadForm(intent.fields, new Blob([bytes]), "portrait.jpg") });
    expect(response.status).toBe(204);
    expect((await getStorage().headObject(buckets.evidence, intent.fields.key!))?.sha256).toBeNull();

    const readObject = vi.spyOn(getStorage(), "readObject");
    try {
      const confirmed = await confirmUpload(resident, intent.fileId, ctx);
      expect(confirmed.sha256).toBe(sha256);
      expect(readObject.mock.calls.some((call) => call[2] === undefined)).toBe(true);
    } finally {
      readObject.mockRestore();
    }
  });

  it("treats a malformed file id as not found", async () => {
    await expect(confirmUpload(resident, "../../etc/passwd", ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(confirmUpload(resident, undefined, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("words refusals in the given language", async () => {
    const bytes = await readFile(path.join(photos, "fake_jpeg_is_text.jpg"));
    const intent = await intentAndPost({ filename: "nep.jpg", declaredType: "image/jpeg", declaredSize: bytes.length, body: new Blob([bytes]) });
    await expect(confirmUpload(resident, intent.fileId, { ...ctx, locale: "af" })).rejects.toMatchObject({
      message: "Die lêer \"nep.jpg\" is nie 'n JPEG-beeld nie: die inhoud is text/plain. Kies asseblief die oorspronklike lêer en probeer weer.",
    });
  });
});
