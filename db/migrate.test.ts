import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "@/test/db";
import { migrate, toRows } from "./client";
import { migrations } from "./embedded-migrations";

const allTags = migrations.map((migration) => migration.tag);

describe("migrate on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("applies every migration to an empty database", async () => {
    const result = await migrate(database.db);
    expect(result.applied).toEqual(allTags);
  });

  it("applies nothing the second time", async () => {
    const result = await migrate(database.db);
    expect(result.applied).toEqual([]);
  });

  it("creates the ticket tables", async () => {
    const rows = toRows<{ name: string }>(
      await database.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public'`),
    );
    const names = rows.map((row) => row.name);
    expect(names).toContain("tickets");
    expect(names).toContain("ticket_counters");
    expect(names).toContain("audit_events");
  });

  it("detects an edited migration", async () => {
    const first = allTags[0]!;
    await database.db.execute(sql`update bika_meta.migrations set hash = 'edited' where tag = ${first}`);
    await expect(migrate(database.db)).rejects.toThrow(`Migration ${first} was changed after it was applied`);
  });
});

describe("migrate on PGlite", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createPgliteDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("recorded every migration", async () => {
    const rows = toRows<{ tag: string }>(await database.db.execute(sql`select tag from bika_meta.migrations order by tag`));
    expect(rows.map((row) => row.tag)).toEqual(allTags);
  });

  it("applies nothing the second time", async () => {
    const result = await migrate(database.db);
    expect(result.applied).toEqual([]);
  });
});
