import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { createUploadIntent } from "./create-upload-intent";
import { actorFor, createTenant, createUser, getAttachmentRow, startUploadTestEnvironment, type UploadTestEnvironment } from "./test-factories";

const ctx = { requestId: "test-create-upload-intent" };
const MB = 1024 * 1024;

let environment: UploadTestEnvironment;
let resident: Actor;
let zuluResident: Actor;
let agent: Actor;

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  const tenant = await createTenant(environment.db);
  resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
  zuluResident = actorFor(await createUser(environment.db, tenant, "resident", { preferredLanguage: "zu" }), tenant);
  agent = actorFor(await createUser(environment.db, tenant, "agent"), tenant);
});

afterAll(async () => {
  await environment?.close();
});

describe("createUploadIntent", () => {
  it("records a pending attachment", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "Zoë's – clip.mp4", declaredType: "video/mp4", size: 40 * MB }, ctx);
    expect(intent.maxBytes).toBe(50 * MB);
    const row = await getAttachmentRow(environment.db, intent.fileId);
    expect(row.state).toBe("pending");
    expect(row.ownerId).toBe(resident.userId);
    expect(row.tenantId).toBe(resident.tenantId);
    expect(row.originalFilename).toBe("Zoë's – clip.mp4");
    expect(row.declaredSize).toBe(40 * MB);
    expect(row.contentType).toBe("video/mp4");
    expect(row.source).toBe("web");
    expect(row.uploadExpiresAt.toISOString()).toBe(intent.expiresAt);
  });

  it("chooses the type by extension when none is declared", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "voice.ogg", declaredType: "", size: 5000 }, ctx);
    expect(intent.contentType).toBe("audio/ogg");
    expect((await getAttachmentRow(environment.db, intent.fileId)).declaredContentType).toBe("");
  });

  it("refuses a zero-byte file", async () => {
    await expect(createUploadIntent(resident, { purpose: "evidence", filename: "empty.jpg", declaredType: "image/jpeg", size: 0 }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: '"empty.jpg" is empty (0 bytes). Please choose the file again.',
    });
  });

  it("refuses one byte over the limit", async () => {
    await expect(
      createUploadIntent(resident, { purpose: "evidence", filename: "big.webp", declaredType: "image/webp", size: 15 * MB + 1 }, ctx),
    ).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { size: [expect.stringContaining("at most 15 MB")] } });
    await expect(
      createUploadIntent(resident, { purpose: "proof_of_residence", filename: "bill.pdf", declaredType: "application/pdf", size: 10 * MB + 1 }, ctx),
    ).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("refuses HEIC with a request for JPEG", async () => {
    await expect(createUploadIntent(resident, { purpose: "evidence", filename: "IMG_2041.HEIC", declaredType: "", size: 2 * MB }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
      message: expect.stringContaining("Please send it as a JPEG"),
    });
  });

  it("refuses a type outside the allow-list", async () => {
    await expect(
      createUploadIntent(resident, { purpose: "proof_of_residence", filename: "clip.mp4", declaredType: "video/mp4", size: MB }, ctx),
    ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("video/mp4") });
    await expect(createUploadIntent(resident, { purpose: "evidence", filename: "run.exe", declaredType: "", size: MB }, ctx)).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("answers in the resident's language", async () => {
    await expect(
      createUploadIntent(zuluResident, { purpose: "evidence", filename: "empty.jpg", declaredType: "image/jpeg", size: 0 }, ctx),
    ).rejects.toMatchObject({ message: '"empty.jpg" alinalutho (0 bytes). Sicela ukhethe ifayela futhi.' });
    await expect(
      createUploadIntent(zuluResident, { purpose: "evidence", filename: "empty.jpg", declaredType: "image/jpeg", size: 0 }, { ...ctx, locale: "af" }),
    ).rejects.toMatchObject({ message: '"empty.jpg" is leeg (0 grepe). Kies asseblief die lêer weer.' });
  });

  it("rejects staff", async () => {
    await expect(createUploadIntent(agent, { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 10 }, ctx)).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("rejects an actor whose user is in another tenant", async () => {
    const otherTenant = await createTenant(environment.db);
    const forged = { ...resident, tenantId: otherTenant.id, tenantSlug: otherTenant.slug };
    await expect(createUploadIntent(forged, { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 10 }, ctx)).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("rejects malformed input", async () => {
    await expect(createUploadIntent(resident, { purpose: "selfie", filename: "a.jpg", declaredType: "image/jpeg", size: 10 }, ctx)).rejects.toThrow(/purpose/);
    await expect(createUploadIntent(resident, { purpose: "evidence", filename: "a\u0000.jpg", declaredType: "image/jpeg", size: 10 }, ctx)).rejects.toThrow(
      /control characters/,
    );
    await expect(createUploadIntent(resident, { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 1.5 }, ctx)).rejects.toThrow();
  });

  it("pins a declared digest in the policy", async () => {
    const hex = createHash("sha256").update("pothole").digest("hex");
    const base64 = Buffer.from(hex, "hex").toString("base64");
    for (const declared of [hex, hex.toUpperCase(), base64]) {
      const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 7, sha256: declared }, ctx);
      const policy = JSON.parse(Buffer.from(intent.fields.policy!, "base64").toString("utf8")) as { sha256?: string };
      expect(policy.sha256).toBe(hex);
      expect(intent.fields["x-amz-checksum-algorithm"]).toBe("SHA256");
      expect(intent.fields["x-amz-checksum-sha256"]).toBe(base64);
    }
  });

  it("leaves the digest out when none is declared", async () => {
    const intent = await createUploadIntent(resident, { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 7 }, ctx);
    const policy = JSON.parse(Buffer.from(intent.fields.policy!, "base64").toString("utf8")) as { sha256?: string };
    expect(policy.sha256).toBeUndefined();
    expect(intent.fields).not.toHaveProperty("x-amz-checksum-sha256");
  });

  it("rejects a malformed digest", async () => {
    const input = { purpose: "evidence", filename: "a.jpg", declaredType: "image/jpeg", size: 7 };
    const cases: [digest: string, message: RegExp][] = [
      ["ab".repeat(31), /64 hexadecimal digits or 44 base64 characters, but has 62 characters/],
      ["g".repeat(64), /has 64 characters but is not hexadecimal/],
      [`${"A".repeat(43)}-`, /has 44 characters but is not base64/],
      ["", /but has 0 characters/],
    ];
    for (const [digest, message] of cases) {
      await expect(createUploadIntent(resident, { ...input, sha256: digest }, ctx)).rejects.toThrow(message);
    }
    await expect(createUploadIntent(resident, { ...input, sha256: 42 }, ctx)).rejects.toThrow(/sha256/);
  });

  it("refuses a non-resident before wording a bad file", async () => {
    const otherTenant = await createTenant(environment.db);
    const forged = { ...resident, tenantId: otherTenant.id, tenantSlug: otherTenant.slug };
    await expect(createUploadIntent(forged, { purpose: "evidence", filename: "empty.jpg", declaredType: "image/jpeg", size: 0 }, ctx)).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("limits unfinished intents per resident", async () => {
    const tenant = await createTenant(environment.db);
    const busy = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
    for (let i = 0; i < 30; i += 1) {
      await createUploadIntent(busy, { purpose: "evidence", filename: `photo-${i}.jpg`, declaredType: "image/jpeg", size: 100 }, ctx);
    }
    await expect(createUploadIntent(busy, { purpose: "evidence", filename: "one-more.jpg", declaredType: "image/jpeg", size: 100 }, ctx)).rejects.toMatchObject({
      code: "rate_limited",
      message: "You have 30 uploads that are not finished. Please wait for them or remove some, then try again.",
    });
    const rows = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.ownerId, busy.userId));
    expect(rows).toHaveLength(30);
  });
});
