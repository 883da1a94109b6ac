import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertAttachment, insertMunicipality, insertTicket, type Municipality } from "@/test/factories";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { withSystem, withTenant } from "./client";
import { auditEvents, mediaAttachments, tickets } from "./schema";

/** PostgreSQL's own message; drizzle wraps it as the cause of a "Failed query" error. */
async function databaseError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as Error).cause;
    return cause instanceof Error ? cause.message : (error as Error).message;
  }
  return "no error";
}

let database: TestDatabase;
let tenantA: Municipality;
let tenantB: Municipality;

beforeAll(async () => {
  database = await createTestDatabase();
  tenantA = await insertMunicipality(database.db);
  tenantB = await insertMunicipality(database.db);
  for (const municipality of [tenantA, tenantB]) {
    const { tenant, resident, category } = municipality;
    const ticket = await insertTicket(database.db, { tenantId: tenant.id, reporterId: resident.id, categoryId: category.id });
    await insertAttachment(database.db, { tenantId: tenant.id, ownerId: resident.id, ticketId: ticket.id });
  }
});

afterAll(async () => {
  await database?.drop();
});

describe("row-level security", () => {
  it("hides other tenants' tickets without a filter", async () => {
    const rows = await withTenant(tenantA.tenant.id, (tx) => tx.select().from(tickets), database.db);
    expect(rows.length).toBe(1);
    expect(rows.every((row) => row.tenantId === tenantA.tenant.id)).toBe(true);
  });

  it("hides other tenants' attachments without a filter", async () => {
    const rows = await withTenant(tenantA.tenant.id, (tx) => tx.select().from(mediaAttachments), database.db);
    expect(rows.length).toBe(1);
    expect(rows.every((row) => row.tenantId === tenantA.tenant.id)).toBe(true);
  });

  it("rejects inserting another tenant's ticket", async () => {
    const insert = withTenant(
      tenantA.tenant.id,
      (tx) =>
        tx.insert(tickets).values({
          tenantId: tenantB.tenant.id,
          reference: "TEST-RLS-1",
          reporterId: tenantB.resident.id,
          categoryId: tenantB.category.id,
          channel: "web",
          description: "Inserted under the wrong tenant.",
        }),
      database.db,
    );
    expect(await databaseError(insert)).toMatch(/row-level security/);
  });

  it("rejects inserting another tenant's attachment", async () => {
    const insert = withTenant(
      tenantA.tenant.id,
      (tx) =>
        tx.insert(mediaAttachments).values({
          tenantId: tenantB.tenant.id,
          ownerId: tenantB.resident.id,
          fileId: crypto.randomUUID(),
          bucket: "evidence",
          objectKey: "wrong-tenant",
          originalFilename: "x.jpg",
          declaredContentType: "image/jpeg",
          contentType: "image/jpeg",
          declaredSize: 1,
          purpose: "evidence",
          source: "web",
          uploadExpiresAt: new Date(),
        }),
      database.db,
    );
    expect(await databaseError(insert)).toMatch(/row-level security/);
  });

  it("lets the system role see every tenant", async () => {
    const rows = await withSystem((tx) => tx.select({ tenantId: tickets.tenantId }).from(tickets), database.db);
    const tenantIds = new Set(rows.map((row) => row.tenantId));
    expect(tenantIds.has(tenantA.tenant.id)).toBe(true);
    expect(tenantIds.has(tenantB.tenant.id)).toBe(true);
  });
});

describe("audit_events grants", () => {
  beforeAll(async () => {
    await withTenant(
      tenantA.tenant.id,
      (tx) => tx.insert(auditEvents).values({ tenantId: tenantA.tenant.id, action: "test.recorded", targetType: "test", targetId: null }),
      database.db,
    );
  });

  it("rejects UPDATE by the app role", async () => {
    const update = withTenant(tenantA.tenant.id, (tx) => tx.execute(sql`update audit_events set action = 'test.rewritten'`), database.db);
    expect(await databaseError(update)).toMatch(/permission denied/);
  });

  it("rejects DELETE by the app role", async () => {
    const remove = withTenant(tenantA.tenant.id, (tx) => tx.execute(sql`delete from audit_events`), database.db);
    expect(await databaseError(remove)).toMatch(/permission denied/);
  });

  it("rejects DELETE by the system role", async () => {
    const remove = withSystem((tx) => tx.execute(sql`delete from audit_events`), database.db);
    expect(await databaseError(remove)).toMatch(/permission denied/);
  });

  it("keeps the event", async () => {
    const rows = await withTenant(tenantA.tenant.id, (tx) => tx.select().from(auditEvents), database.db);
    expect(rows.map((row) => row.action)).toEqual(["test.recorded"]);
  });
});
