import { eq, inArray } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as postUpload } from "@/app/api/storage/upload/route";
import { mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { getStorage } from "@/lib/storage";
import { cleanupExpiredIntents } from "./cleanup-expired-intents";
import { buildUploadForm } from "./client/storage-post";
import { confirmUpload } from "./confirm-upload";
import { createUploadIntent, type UploadIntent } from "./create-upload-intent";
import { actorFor, createTenant, createUser, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

const ctx = { requestId: "test-cleanup-expired-intents", locale: "en" as const };
const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n");

let environment: UploadTestEnvironment;
let residents: Actor[];

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  residents = [];
  for (let i = 0; i < 2; i += 1) {
    const tenant = await createTenant(environment.db);
    residents.push(actorFor(await createUser(environment.db, tenant, "resident"), tenant));
  }
});

afterAll(async () => {
  await environment?.close();
});

async function intent(actor: Actor, post: boolean): Promise<UploadIntent> {
  const created = await createUploadIntent(actor, { purpose: "evidence", filename: "bill.pdf", declaredType: "application/pdf", size: pdf.length }, ctx);
  if (post) {
    const request = new NextRequest("http://127.0.0.1:3000/api/storage/upload", {
      method: "POST",
      body: buildUploadForm(created.fields, new Blob([pdf]), "bill.pdf"),
    });
    expect((await postUpload(request, { params: Promise.resolve({}) })).status).toBe(204);
  }
  return created;
}

async function age(fileIds: string[], hours: number): Promise<void> {
  await environment.db
    .update(mediaAttachments)
    .set({ createdAt: new Date(Date.now() - hours * 3600 * 1000) })
    .where(inArray(mediaAttachments.fileId, fileIds));
}

describe("cleanupExpiredIntents", () => {
  it("deletes day-old pending intents across tenants", async () => {
    const [first, second] = residents as [Actor, Actor];
    const abandonedWithObject = await intent(first, true);
    const abandonedEmpty = await intent(second, false);
    const recent = await intent(first, true);
    const confirmedOld = await intent(second, true);
    await confirmUpload(second, confirmedOld.fileId, ctx);
    await age([abandonedWithObject.fileId, abandonedEmpty.fileId, confirmedOld.fileId], 25);
    await age([recent.fileId], 23);

    expect(await cleanupExpiredIntents(new Date())).toEqual({ deleted: 2 });

    const remaining = await environment.db.select({ fileId: mediaAttachments.fileId }).from(mediaAttachments);
    expect(remaining.map((row) => row.fileId).sort()).toEqual([recent.fileId, confirmedOld.fileId].sort());
    expect(await getStorage().headObject("evidence", abandonedWithObject.fields.key!)).toBeNull();
    expect(await getStorage().headObject("evidence", recent.fields.key!)).not.toBeNull();
    expect(await getStorage().headObject("evidence", confirmedOld.fields.key!)).not.toBeNull();

    expect(await cleanupExpiredIntents(new Date())).toEqual({ deleted: 0 });
    const [stillPending] = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.fileId, recent.fileId));
    expect(stillPending?.state).toBe("pending");
  });
});
