import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { createUploadIntent } from "./create-upload-intent";
import { MAX_PENDING_INTENTS, recordPendingAttachment, type PendingAttachment } from "./record-pending-attachment";
import { actorFor, createTenant, createUser, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

const ctx = { requestId: "test-record-pending-attachment", locale: "en" as const };

let environment: UploadTestEnvironment;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
});

afterAll(async () => {
  await environment?.close();
});

async function newResident(): Promise<Actor> {
  const tenant = await createTenant(environment.db);
  return actorFor(await createUser(environment.db, tenant, "resident"), tenant);
}

function pendingRow(actor: Actor, fileId: string = randomUUID()): PendingAttachment {
  return {
    id: randomUUID(),
    fileId,
    bucket: "evidence",
    key: `${actor.tenantId}/evidence/2026/01/${fileId}`,
    filename: "Zoë's \"pothole\", Mthatha.jpg",
    declaredType: "image/jpeg",
    contentType: "image/jpeg",
    declaredSize: 1234,
    purpose: "evidence",
    uploadExpiresAt: new Date(Date.now() + 60_000),
  };
}

describe("recordPendingAttachment", () => {
  it("holds concurrent intents of one resident to the limit", async () => {
    const resident = await newResident();
    const attempts = await Promise.allSettled(
      Array.from({ length: MAX_PENDING_INTENTS + 10 }, (_, index) =>
        createUploadIntent(resident, { purpose: "evidence", filename: `photo-${index}.jpg`, declaredType: "image/jpeg", size: 100 }, ctx),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(MAX_PENDING_INTENTS);
    const refused = attempts.filter((attempt): attempt is PromiseRejectedResult => attempt.status === "rejected");
    expect(refused).toHaveLength(10);
    for (const attempt of refused) expect(attempt.reason).toMatchObject({ code: "rate_limited" });
    const rows = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.ownerId, resident.userId));
    expect(rows).toHaveLength(MAX_PENDING_INTENTS);
  });

  it("answers each row of a batch on its own", async () => {
    const tenant = await createTenant(environment.db);
    const resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
    const staff = actorFor(await createUser(environment.db, tenant, "agent"), tenant);
    const rows = [pendingRow(resident), pendingRow(staff), pendingRow(resident)];
    const outcomes = await Promise.all([
      recordPendingAttachment(resident, rows[0]!),
      recordPendingAttachment(staff, rows[1]!),
      recordPendingAttachment(resident, rows[2]!),
    ]);
    expect(outcomes).toEqual([
      { preferredLanguage: "en", pending: 0, inserted: true },
      null,
      { preferredLanguage: "en", pending: 1, inserted: true },
    ]);
    const stored = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.ownerId, resident.userId));
    expect(stored.map((row) => row.originalFilename)).toEqual([rows[0]!.filename, rows[2]!.filename]);
    expect(stored.every((row) => row.tenantId === resident.tenantId && row.state === "pending" && row.source === "web")).toBe(true);
  });

  it("keeps tenants apart in concurrent batches", async () => {
    const residents = [await newResident(), await newResident()];
    const rows = Array.from({ length: 6 }, (_, index) => ({ actor: residents[index % 2]!, row: pendingRow(residents[index % 2]!) }));
    await Promise.all(rows.map(({ actor, row }) => recordPendingAttachment(actor, row)));
    for (const { actor, row } of rows) {
      const [stored] = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.fileId, row.fileId));
      expect(stored?.tenantId).toBe(actor.tenantId);
      expect(stored?.ownerId).toBe(actor.userId);
    }
  });

  it("fails only the bad row of a batch", async () => {
    const resident = await newResident();
    const first = pendingRow(resident);
    const duplicate = pendingRow(resident, first.fileId);
    const other = pendingRow(resident);
    // The first call runs alone. The next two queue behind it and go in as one batch, which fails
    // on the duplicate file id, so each of them is tried again on its own.
    const [firstOutcome, duplicateOutcome, otherOutcome] = await Promise.allSettled([
      recordPendingAttachment(resident, first),
      recordPendingAttachment(resident, duplicate),
      recordPendingAttachment(resident, other),
    ]);
    expect(firstOutcome).toMatchObject({ status: "fulfilled", value: { inserted: true } });
    expect(duplicateOutcome.status).toBe("rejected");
    expect(otherOutcome).toMatchObject({ status: "fulfilled", value: { inserted: true } });
    const stored = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.ownerId, resident.userId));
    expect(stored).toHaveLength(2);
  });
});
