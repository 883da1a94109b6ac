import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, queryAsTenant } from "@/db/client";
import { mediaAttachments } from "@/db/schema";
import { actorFor, createTenant, createUser, startUploadTestEnvironment, type UploadTestEnvironment } from "@/lib/uploads/test-factories";
import { mapTableRow } from "./rows";

describe("mapTableRow", () => {
  let environment: UploadTestEnvironment;

  beforeAll(async () => {
    environment = await startUploadTestEnvironment();
  });
  afterAll(async () => {
    await environment.close();
    await closeDb();
  });

  it("matches the query builder's row", async () => {
    const tenant = await createTenant(environment.db);
    const resident = actorFor(await createUser(environment.db, tenant, "resident"), tenant);
    const [inserted] = await environment.db
      .insert(mediaAttachments)
      .values({
        tenantId: tenant.id,
        ownerId: resident.userId,
        fileId: crypto.randomUUID(),
        bucket: "evidence",
        objectKey: "k",
        originalFilename: "Zoë's bill – Mthatha.pdf",
        declaredContentType: "",
        contentType: "application/pdf",
        declaredSize: 3_000_000_000,
        purpose: "evidence",
        source: "web",
        exifLatitude: -25.7479,
        uploadExpiresAt: new Date("2026-12-04T10:15:00.123Z"),
      })
      .returning();

    const [raw] = await queryAsTenant<Record<string, unknown>>(
      tenant.id,
      sql`select * from media_attachments where file_id = ${inserted!.fileId}`,
    );
    const [built] = await environment.db.select().from(mediaAttachments).where(eq(mediaAttachments.id, inserted!.id));

    const mapped = mapTableRow(mediaAttachments, raw!);
    expect(mapped).toEqual(built);
    expect(mapped.declaredSize).toBe(3_000_000_000);
    expect(mapped.uploadExpiresAt).toEqual(new Date("2026-12-04T10:15:00.123Z"));
    expect(mapped.size).toBeNull();
  });
});
