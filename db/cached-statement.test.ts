import { eq, getTableColumns, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "@/test/db";
import { insertMunicipality } from "@/test/factories";
import { CachedStatement } from "./cached-statement";
import { withTenant } from "./client";
import { whatsappConversations } from "./schema";

const UPSERT = new CachedStatement<typeof whatsappConversations.$inferSelect>(
  "test_upsert_conversation",
  (tx) =>
    tx
      .insert(whatsappConversations)
      .values({
        tenantId: sql.placeholder("tenantId"),
        phone: sql.placeholder("phone"),
        draft: sql.placeholder("draft"),
        encryptedDraft: sql.placeholder("encryptedDraft"),
        lastInboundAt: sql.placeholder("lastInboundAt"),
        createdAt: sql.placeholder("now"),
        updatedAt: sql.placeholder("now"),
      })
      .onConflictDoUpdate({ target: [whatsappConversations.tenantId, whatsappConversations.phone], set: { state: "language" } })
      .returning(),
  getTableColumns(whatsappConversations),
);

const COUNT = new CachedStatement<{ count: number }>("test_count_conversations", (tx) =>
  tx
    .select({ count: sql<number>`count(*)::int`.as("count") })
    .from(whatsappConversations)
    .where(eq(whatsappConversations.tenantId, sql.placeholder("tenantId"))),
);

for (const [driver, open] of [
  ["postgres", createTestDatabase],
  ["pglite", createPgliteDatabase],
] as const) {
  describe(`CachedStatement on ${driver}`, () => {
    let database: TestDatabase;
    let tenantId: string;

    beforeAll(async () => {
      database = await open();
      tenantId = (await insertMunicipality(database.db)).tenant.id;
    });

    afterAll(async () => {
      await database?.drop();
    });

    it("maps rows through the columns", async () => {
      const now = new Date("2026-03-01T08:30:00.000Z");
      const [row] = await withTenant(
        tenantId,
        (tx) => UPSERT.run(tx, { tenantId, phone: "+27825550001", draft: { flow: "report" }, encryptedDraft: null, lastInboundAt: null, now }),
        database.db,
      );
      expect(row?.tenantId).toBe(tenantId);
      expect(row?.state).toBe("menu");
      expect(row?.draft).toEqual({ flow: "report" });
      expect(row?.encryptedDraft).toBeNull();
      expect(row?.lastInboundAt).toBeNull();
      expect(row?.createdAt).toEqual(now);
    });

    it("runs again with other values", async () => {
      const now = new Date("2026-03-02T08:30:00.000Z");
      const values = { tenantId, phone: "+27825550001", draft: {}, encryptedDraft: null, lastInboundAt: now, now };
      const [row] = await withTenant(tenantId, (tx) => UPSERT.run(tx, values), database.db);
      expect(row?.state).toBe("language");
      expect(row?.createdAt).toEqual(new Date("2026-03-01T08:30:00.000Z"));
      const [counted] = await withTenant(tenantId, (tx) => COUNT.run(tx, { tenantId }), database.db);
      expect(counted?.count).toBe(1);
    });

    it("rejects a missing placeholder value", async () => {
      await expect(withTenant(tenantId, (tx) => COUNT.run(tx, {}), database.db)).rejects.toThrow('no value for placeholder "tenantId"');
    });

    it(`sendNow ${driver === "postgres" ? "returns the rows" : "is rejected"}`, async () => {
      const sent = withTenant(tenantId, (tx) => COUNT.sendNow(tx, { tenantId }), database.db);
      if (driver === "postgres") await expect(sent).resolves.toEqual([{ count: 1 }]);
      else await expect(sent).rejects.toThrow("sendNow needs a postgres.js transaction");
    });
  });
}
