import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/password";
import { createPgliteDatabase, type TestDatabase } from "@/test/db";
import { withSystem } from "./client";
import { categories, tenants, users } from "./schema";
import { DEMO_PASSWORD, formatAccountTable, seed } from "./seed";

let database: TestDatabase;

beforeAll(async () => {
  database = await createPgliteDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function counts() {
  return withSystem(
    async (tx) => ({
      tenants: (await tx.select().from(tenants)).length,
      categories: (await tx.select().from(categories)).length,
      users: (await tx.select().from(users)).length,
    }),
    database.db,
  );
}

describe("seed", () => {
  it("creates both municipalities and their accounts", async () => {
    const accounts = await seed(database.db);
    expect(accounts.length).toBe(8);
    expect(accounts.filter((account) => account.role === "resident").map((account) => account.phone)).toEqual(["+27825550123", "+27835550123"]);

    const rows = await withSystem((tx) => tx.select().from(tenants).orderBy(asc(tenants.slug)), database.db);
    expect(rows.map((row) => [row.slug, row.code, row.whatsappNumber])).toEqual([
      ["msunduzi", "MSU", "+27335550100"],
      ["tshwane", "TSH", "+27105550100"],
    ]);
  });

  it("is idempotent", async () => {
    const before = await counts();
    await seed(database.db);
    expect(await counts()).toEqual(before);
    expect(before).toEqual({ tenants: 2, categories: 14, users: 8 });
  });

  it("lists the sensitive category last", async () => {
    const rows = await withSystem(
      (tx) =>
        tx
          .select({ slug: categories.slug, isSensitive: categories.isSensitive })
          .from(categories)
          .innerJoin(tenants, eq(tenants.id, categories.tenantId))
          .where(eq(tenants.slug, "tshwane"))
          .orderBy(asc(categories.sortOrder)),
      database.db,
    );
    expect(rows.at(-1)).toEqual({ slug: "gbv", isSensitive: true });
    expect(rows.filter((row) => row.isSensitive).length).toBe(1);
    expect(rows[0]?.slug).toBe("roads-and-potholes");
  });

  it("stores an argon2id hash of the demo password", async () => {
    const [agent] = await withSystem((tx) => tx.select().from(users).where(eq(users.email, "agent@tshwane.bika.test")), database.db);
    expect(agent?.role).toBe("agent");
    expect(agent?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(agent!.passwordHash!, DEMO_PASSWORD)).toBe(true);
  });

  it("formats the account table", async () => {
    const table = formatAccountTable(await seed(database.db));
    expect(table).toContain("saps@msunduzi.bika.test");
    expect(table).toContain("one-time code from /dev/outbox");
    expect(table.split("\n").length).toBe(10);
  });
});
