import { readFile } from "node:fs/promises";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
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

  const ticket = await createTicket(db, { tenant, reporter: residentUser });
  const sensitiveTicket = await createTicket(db, { tenant, reporter: residentUser, isSensitive: true });
  await attachToTicket(db, photoId, ticket.id);
  await attachToTicket(db, billId, ticket.id);
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
