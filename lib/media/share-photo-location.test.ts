import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { getStorage } from "@/lib/storage";
import { SERVER_SIDE_ENCRYPTION } from "@/lib/storage/types";
import { buildUploadForm } from "@/lib/uploads/client/storage-post";
import { confirmUpload } from "@/lib/uploads/confirm-upload";
import { createUploadIntent } from "@/lib/uploads/create-upload-intent";
import {
  actorFor,
  attachToTicket,
  createTenant,
  createTicket,
  createUser,
  getAttachmentRow,
  startUploadTestEnvironment,
  type UploadTestEnvironment,
} from "@/lib/uploads/test-factories";
import { sharePhotoLocation } from "./share-photo-location";
import { readPhotoFixture } from "./testing/photo-fixtures";

const ctx = { requestId: "test-share-photo-location", locale: "en" as const };

let environment: UploadTestEnvironment;
let resident: Actor;
let neighbour: Actor;
let agent: Actor;
let residentUser: Awaited<ReturnType<typeof createUser>>;
let tenant: Awaited<ReturnType<typeof createTenant>>;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  tenant = await createTenant(environment.db);
  residentUser = await createUser(environment.db, tenant, "resident");
  resident = actorFor(residentUser, tenant);
  neighbour = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  agent = actorFor(await createUser(environment.db, tenant, "agent"), tenant);
});

afterAll(async () => {
  await environment?.close();
});

async function upload(file: string): Promise<string> {
  const bytes = readPhotoFixture(file);
  const intent = await createUploadIntent(resident, { purpose: "evidence", filename: file, declaredType: "image/jpeg", size: bytes.length }, ctx);
  const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", {
    method: "POST",
    body: buildUploadForm(intent.fields, new Blob([new Uint8Array(bytes)]), file),
  });
  expect((await postUpload(request, { params: Promise.resolve({}) })).status).toBe(204);
  await confirmUpload(resident, intent.fileId, ctx);
  return intent.fileId;
}

async function sharedEvents(fileId: string): Promise<number> {
  const row = await getAttachmentRow(environment.db, fileId);
  const events = await environment.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetId, row.id), eq(auditEvents.action, "attachment.location_shared")));
  return events.length;
}

describe("sharePhotoLocation", () => {
  it("records the photo's position with consent", async () => {
    const fileId = await upload("own_pothole_soweto_gps_orientation6.jpg");
    expect((await getAttachmentRow(environment.db, fileId)).exifLatitude).toBeNull();

    const location = await sharePhotoLocation(resident, fileId, ctx);
    expect(location?.latitude).toBeCloseTo(-26.2383, 6);
    expect(location?.longitude).toBeCloseTo(27.9089, 6);
    const row = await getAttachmentRow(environment.db, fileId);
    expect(row.exifLatitude).toBeCloseTo(-26.2383, 6);
    expect(row.exifLongitude).toBeCloseTo(27.9089, 6);
    expect(await sharedEvents(fileId)).toBe(1);
  });

  it("leaves a photo without GPS unknown", async () => {
    const fileId = await upload("recurser_Landscape_6.jpg");
    expect(await sharePhotoLocation(resident, fileId, ctx)).toBeNull();
    const row = await getAttachmentRow(environment.db, fileId);
    expect(row.exifLatitude).toBeNull();
    expect(row.exifLongitude).toBeNull();
    expect(await sharedEvents(fileId)).toBe(0);
  });

  it("rejects anyone but the owner", async () => {
    const fileId = await upload("own_pothole_soweto_gps_orientation6.jpg");
    await expect(sharePhotoLocation(neighbour, fileId, ctx)).rejects.toMatchObject({ code: "not_found" });
    await expect(sharePhotoLocation(agent, fileId, ctx)).rejects.toMatchObject({ code: "forbidden" });
    expect((await getAttachmentRow(environment.db, fileId)).exifLatitude).toBeNull();
  });

  it("rejects a photo on a confidential report", async () => {
    const fileId = await upload("own_pothole_soweto_gps_orientation6.jpg");
    const ticket = await createTicket(environment.db, { tenant, reporter: residentUser, isSensitive: true });
    await attachToTicket(environment.db, fileId, ticket.id);
    await expect(sharePhotoLocation(resident, fileId, ctx)).rejects.toMatchObject({ code: "not_found" });
  });

  it("rejects an original whose bytes changed", async () => {
    const fileId = await upload("own_pothole_soweto_gps_orientation6.jpg");
    const row = await getAttachmentRow(environment.db, fileId);
    await getStorage().putObject(row.bucket, row.objectKey, readPhotoFixture("exifr_IMG_20180725_163423-tiny.jpg"), {
      contentType: "image/jpeg",
      serverSideEncryption: SERVER_SIDE_ENCRYPTION,
    });
    await expect(sharePhotoLocation(resident, fileId, ctx)).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("no longer matches the SHA-256"),
    });
    expect((await getAttachmentRow(environment.db, fileId)).exifLatitude).toBeNull();
  });
});
