import { readFile } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { withTenant } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { log } from "@/lib/log";
import { processAttachment } from "@/lib/media/process-attachment";
import { getStorage } from "@/lib/storage";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { buildUploadForm } from "./client/storage-post";
import { confirmUpload } from "./confirm-upload";
import { createUploadIntent } from "./create-upload-intent";
import { getAttachmentUrl } from "./get-attachment-url";
import {
  actorFor,
  attachToTicket,
  createTenant,
  createTicket,
  createUser,
  getAttachmentRow,
  startUploadTestEnvironment,
  type UploadTestEnvironment,
} from "./test-factories";

const photos = path.resolve(__dirname, "../../test/fixtures/photos");
const ctx = { requestId: "test-get-attachment-url", locale: "en" as const };

let environment: UploadTestEnvironment;
let resident: Actor;
let neighbour: Actor;
let agent: Actor;
let manager: Actor;
let liaison: Actor;
let admin: Actor;
let outsideAgent: Actor;
let photoId: string;
let billId: string;
let sensitivePhotoId: string;
let unprocessedPhotoId: string;
let ordinaryTicketId: string;

async function upload(owner: Actor, filename: string, bytes: Buffer, type: string): Promise<string> {
  const intent = await createUploadIntent(owner, { purpose: "evidence", filename, declaredType: type, size: bytes.length }, ctx);
  const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", {
    method: "POST",
    body: buildUploadForm(intent.fields, new Blob([new Uint8Array(bytes)]), filename),
  });
  expect((await postUpload(request, { params: Promise.resolve({}) })).status).toBe(204);
  await confirmUpload(owner, intent.fileId, ctx);
  return intent.fileId;
}

function dispositionOf(url: string): string {
  return new URL(url, "http://127.0.0.1").searchParams.get("disposition")!;
}

function keyOf(url: string): string {
  return new URL(url, "http://127.0.0.1").searchParams.get("key")!;
}

async function processUpload(fileId: string): Promise<void> {
  const row = await getAttachmentRow(environment.db, fileId);
  await withTenant(row.tenantId, (tx) => processAttachment(tx, { tenantId: row.tenantId, attachmentId: row.id }, { log }), environment.db);
}

async function auditActions(fileId: string, actor: Actor): Promise<string[]> {
  const row = await getAttachmentRow(environment.db, fileId);
  const events = await environment.db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, row.id), eq(auditEvents.actorId, actor.userId)));
  return events.map((event) => event.action).sort();
}

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  const { db } = environment;
  const tenant = await createTenant(db);
  const residentUser = await createUser(db, tenant, "resident");
  resident = actorFor(residentUser, tenant);
  neighbour = actorFor(await createUser(db, tenant, "resident"), tenant);
  agent = actorFor(await createUser(db, tenant, "agent"), tenant);
  manager = actorFor(await createUser(db, tenant, "manager"), tenant);
  liaison = actorFor(await createUser(db, tenant, "saps_liaison"), tenant);
  admin = actorFor(await createUser(db, tenant, "admin"), tenant);
  const otherTenant = await createTenant(db);
  outsideAgent = actorFor(await createUser(db, otherTenant, "agent"), otherTenant);

  const jpeg = await readFile(path.join(photos, "recurser_Landscape_6.jpg"));
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
  photoId = await upload(resident, "Pothole on Vilakazi St.jpg", jpeg, "image/jpeg");
  billId = await upload(resident, "Zoë's bill – Mthatha.pdf", pdf, "application/pdf");
  sensitivePhotoId = await upload(resident, "evidence.jpg", jpeg, "image/jpeg");
  unprocessedPhotoId = await upload(resident, "waiting.jpg", jpeg, "image/jpeg");
  await processUpload(photoId);
  await processUpload(billId);
  await processUpload(sensitivePhotoId);

  const ticket = await createTicket(db, { tenant, reporter: residentUser });
  ordinaryTicketId = ticket.id;
  const sensitiveTicket = await createTicket(db, { tenant, reporter: residentUser, isSensitive: true });
  await attachToTicket(db, photoId, ticket.id);
  await attachToTicket(db, billId, ticket.id);
  await attachToTicket(db, unprocessedPhotoId, ticket.id);
  await attachToTicket(db, sensitivePhotoId, sensitiveTicket.id);
});

afterAll(async () => {
  await environment?.close();
});

describe("getAttachmentUrl", () => {
  it("lets the owner view an image inline without an audit event", async () => {
    const url = await getAttachmentUrl(resident, photoId, { disposition: "inline" }, ctx);
    expect(url.startsWith("/api/storage/object?")).toBe(true);
    expect(dispositionOf(url)).toMatch(/^inline; /);
    expect(keyOf(url)).toMatch(/\.display\.jpg$/);
    const expires = Number(new URL(url, "http://127.0.0.1").searchParams.get("expires"));
    expect(Math.abs(expires - (Date.now() / 1000 + 300))).toBeLessThan(5);
    expect(await auditActions(photoId, resident)).toEqual(["attachment.uploaded"]);
  });

  it("audits an original download", async () => {
    const url = await getAttachmentUrl(resident, photoId, { disposition: "attachment" }, ctx);
    expect(dispositionOf(url)).toMatch(/^attachment; /);
    expect(await auditActions(photoId, resident)).toEqual(["attachment.original_downloaded", "attachment.uploaded"]);
  });

  it("hides a file from another resident", async () => {
    await expect(getAttachmentUrl(neighbour, photoId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("lets staff view their tenant's images inline", async () => {
    const url = await getAttachmentUrl(agent, photoId, { disposition: "inline" }, ctx);
    expect(dispositionOf(url)).toMatch(/^inline; /);
    expect(await auditActions(photoId, agent)).toEqual([]);
  });

  it("serves derivatives for inline views", async () => {
    const row = await getAttachmentRow(environment.db, photoId);
    const display = new URL(await getAttachmentUrl(agent, photoId, { disposition: "inline", variant: "display" }, ctx), "http://127.0.0.1");
    expect(display.searchParams.get("key")).toBe(row.displayKey);
    expect(display.searchParams.get("type")).toBe("image/jpeg");
    const thumbnail = new URL(await getAttachmentUrl(agent, photoId, { disposition: "inline", variant: "thumbnail" }, ctx), "http://127.0.0.1");
    expect(thumbnail.searchParams.get("key")).toBe(row.thumbnailKey);
    expect(thumbnail.searchParams.get("disposition")).toMatch(/^inline; /);
  });

  it("never shows an unprocessed original inline", async () => {
    for (const variant of ["display", "thumbnail"] as const) {
      await expect(getAttachmentUrl(manager, unprocessedPhotoId, { disposition: "inline", variant }, ctx)).rejects.toMatchObject({
        code: "conflict",
        message: expect.stringContaining("not ready yet"),
      });
    }
  });

  it("refuses originals to agents", async () => {
    await expect(getAttachmentUrl(agent, photoId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({
      code: "forbidden",
      message: "Agents see the processed copies only. Ask a manager to download the original file.",
    });
    // A PDF has no derivative, so opening it means downloading the original.
    await expect(getAttachmentUrl(agent, billId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
    expect(await auditActions(photoId, agent)).toEqual([]);
  });

  it("lets a manager download an ordinary original", async () => {
    const url = await getAttachmentUrl(manager, photoId, { disposition: "attachment" }, ctx);
    const row = await getAttachmentRow(environment.db, photoId);
    expect(keyOf(url)).toBe(row.objectKey);
    expect(dispositionOf(url)).toMatch(/^attachment; /);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(dispositionOf(url))![1]!)).toBe("Pothole on Vilakazi St.jpg");
    expect(await auditActions(photoId, manager)).toEqual(["attachment.original_downloaded"]);
  });

  it("keeps ordinary originals from the SAPS liaison", async () => {
    await expect(getAttachmentUrl(liaison, photoId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses an original whose bytes changed", async () => {
    const jpeg = await readFile(path.join(photos, "recurser_Portrait_8.jpg"));
    const fileId = await upload(resident, "altered.jpg", jpeg, "image/jpeg");
    await processUpload(fileId);
    await attachToTicket(environment.db, fileId, ordinaryTicketId);
    const row = await getAttachmentRow(environment.db, fileId);
    // One flipped bit in the scan data: same size, same type, different SHA-256.
    const altered = Buffer.from(jpeg);
    altered.writeUInt8(altered.readUInt8(altered.length - 100) ^ 0x01, altered.length - 100);
    await getStorage().putObject(row.bucket, row.objectKey, altered, { contentType: "image/jpeg", serverSideEncryption: SERVER_SIDE_ENCRYPTION });

    await expect(getAttachmentUrl(manager, fileId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({
      code: "conflict",
      message:
        'The original of "altered.jpg" failed its integrity check: its stored bytes no longer match the SHA-256 recorded when it was uploaded, ' +
        "so it was not served. The failure has been recorded; report it to your system administrator.",
    });
    expect(await auditActions(fileId, manager)).toEqual(["attachment.integrity_check_failed"]);
    // The derivatives were made from the checked bytes, so staff can still look at the photo.
    expect(keyOf(await getAttachmentUrl(manager, fileId, { disposition: "inline" }, ctx))).toBe(row.displayKey);
  });

  it("refuses an original missing from storage", async () => {
    const jpeg = await readFile(path.join(photos, "recurser_Landscape_3.jpg"));
    const fileId = await upload(resident, "vanished.jpg", jpeg, "image/jpeg");
    const row = await getAttachmentRow(environment.db, fileId);
    await getStorage().deleteObject(row.bucket, row.objectKey);
    await expect(getAttachmentUrl(resident, fileId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("it is missing from storage"),
    });
  });

  it("downloads non-images as attachments", async () => {
    const url = await getAttachmentUrl(manager, billId, { disposition: "inline" }, ctx);
    const disposition = dispositionOf(url);
    expect(disposition).toMatch(/^attachment; /);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).toBe("Zoë's bill – Mthatha.pdf");
    expect(await auditActions(billId, manager)).toEqual(["attachment.original_downloaded"]);
  });

  it("hides files from another tenant's staff", async () => {
    await expect(getAttachmentUrl(outsideAgent, photoId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("keeps sensitive evidence from agents and managers", async () => {
    await expect(getAttachmentUrl(agent, sensitivePhotoId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
    await expect(getAttachmentUrl(manager, sensitivePhotoId, { disposition: "attachment" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
    expect(await auditActions(sensitivePhotoId, agent)).toEqual([]);
  });

  it("lets the SAPS liaison open sensitive evidence, audited", async () => {
    const inline = await getAttachmentUrl(liaison, sensitivePhotoId, { disposition: "inline" }, ctx);
    expect(dispositionOf(inline)).toMatch(/^inline; /);
    const original = await getAttachmentUrl(liaison, sensitivePhotoId, { disposition: "attachment" }, ctx);
    expect(dispositionOf(original)).toMatch(/^attachment; /);
    expect(await auditActions(sensitivePhotoId, liaison)).toEqual(["attachment.original_downloaded", "attachment.viewed"]);
  });

  it("rejects the platform admin", async () => {
    await expect(getAttachmentUrl(admin, photoId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("serves no pending file", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "wait.jpg", declaredType: "image/jpeg", size: 10 }, ctx);
    await expect(getAttachmentUrl(resident, intent.fileId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(getAttachmentUrl(agent, intent.fileId, { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("treats a malformed id as not found", async () => {
    await expect(getAttachmentUrl(agent, "not-a-uuid", { disposition: "inline" }, ctx)).rejects.toMatchObject({ code: "not_found" });
  });
});
