import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "@/test/db";
import { insertMunicipality } from "@/test/factories";
import { queryAsTenant, toRows, withSystem, withTenant } from "./client";

const TENANT_ID = "4f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b";

interface Settings {
  role: string;
  tenant: string | null;
}

/** Returns the error's message and its cause's, because drizzle wraps PostgreSQL's own message as the cause. */
async function failureText(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const cause = (error as Error).cause;
    return `${(error as Error).message} ${cause instanceof Error ? cause.message : ""}`;
  }
  return "no error";
}

const readSettings = sql`select current_user as role, nullif(current_setting('app.tenant_id', true), '') as tenant`;

for (const [driver, open] of [
  ["postgres", createTestDatabase],
  ["pglite", createPgliteDatabase],
] as const) {
  describe(`transaction settings on ${driver}`, () => {
    let database: TestDatabase;

    beforeAll(async () => {
      database = await open();
    });

    afterAll(async () => {
      await database?.drop();
    });

    it("applies the role and tenant before the first statement", async () => {
      const [settings] = await withTenant(TENANT_ID, async (tx) => toRows<Settings>(await tx.execute(readSettings)), database.db);
      expect(settings).toEqual({ role: "bika_app", tenant: TENANT_ID });
    });

    it("applies the system role before the first statement", async () => {
      const [settings] = await withSystem(async (tx) => toRows<Settings>(await tx.execute(readSettings)), database.db);
      expect(settings?.role).toBe("bika_system");
    });

    it("keeps the settings inside the transaction", async () => {
      // More transactions than the test pool has connections, so each connection is reused.
      await Promise.all(Array.from({ length: 12 }, () => withTenant(TENANT_ID, (tx) => tx.execute(sql`select 1`), database.db)));
      const after = toRows<Settings>(await database.db.execute(readSettings));
      expect(after[0]?.role).not.toMatch(/^bika_/);
      expect(after[0]?.tenant).toBeNull();
    });

    it("recovers after the work fails", async () => {
      const failing = withTenant(TENANT_ID, (tx) => tx.execute(sql`select 1 / 0`), database.db);
      await expect(failing).rejects.toThrow();
      const [settings] = await withTenant(TENANT_ID, async (tx) => toRows<Settings>(await tx.execute(readSettings)), database.db);
      expect(settings).toEqual({ role: "bika_app", tenant: TENANT_ID });
    });

    it("rejects a tenant id that is not a UUID", async () => {
      await expect(withTenant("x'); drop table users; --", async () => null, database.db)).rejects.toThrow(/must be a UUID/);
      await expect(queryAsTenant("x'; drop table users; --", readSettings, database.db)).rejects.toThrow(/must be a UUID/);
    });

    it("runs one statement as the tenant", async () => {
      const [settings] = await queryAsTenant<Settings>(TENANT_ID, readSettings, database.db);
      expect(settings).toEqual({ role: "bika_app", tenant: TENANT_ID });
      const after = toRows<Settings>(await database.db.execute(readSettings));
      expect(after[0]?.role).not.toMatch(/^bika_/);
      expect(after[0]?.tenant).toBeNull();
    });

    it("confines one statement to the tenant", async () => {
      const [first, second] = [await insertMunicipality(database.db), await insertMunicipality(database.db)];
      const visible = await queryAsTenant<{ tenant_id: string }>(first.tenant.id, sql`select tenant_id from users`, database.db);
      expect(visible.length).toBeGreaterThan(0);
      expect(visible.every((row) => row.tenant_id === first.tenant.id)).toBe(true);
      const insert = queryAsTenant(second.tenant.id, sql`insert into categories (tenant_id, slug, name) values (${first.tenant.id}, 'x', 'X')`, database.db);
      expect(await failureText(insert)).toMatch(/row-level security/);
    });

    it("binds the parameters of a single statement", async () => {
      const rows = await queryAsTenant<{ greeting: string }>(TENANT_ID, sql`select ${"Sawubona, 'Zoë'"}::text as greeting`, database.db);
      expect(rows).toEqual([{ greeting: "Sawubona, 'Zoë'" }]);
    });
  });
}
