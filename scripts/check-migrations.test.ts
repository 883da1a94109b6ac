import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkEmbeddedModule, checkSchemaMatchesMigrations } from "./check-migrations";

const root = path.resolve(__dirname, "..");
const migrationsDir = path.join(root, "db/migrations");
const scratchDirs: string[] = [];

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bika-check-test-"));
  scratchDirs.push(dir);
  fs.cpSync(migrationsDir, dir, { recursive: true });
  return dir;
}

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("checkSchemaMatchesMigrations", () => {
  it("passes for the committed migrations", () => {
    expect(checkSchemaMatchesMigrations(migrationsDir)).toBeNull();
  });

  it("reports a schema without its migration", () => {
    // Dropping every migration after the roles one leaves the tables in db/schema unmigrated.
    const dir = copyMigrations();
    const journalPath = path.join(dir, "meta/_journal.json");
    const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
    for (const entry of journal.entries.slice(1)) {
      fs.rmSync(path.join(dir, `${entry.tag}.sql`));
      fs.rmSync(path.join(dir, `meta/${entry.tag.split("_")[0]}_snapshot.json`));
    }
    journal.entries = journal.entries.slice(0, 1);
    fs.writeFileSync(journalPath, JSON.stringify(journal));

    const problem = checkSchemaMatchesMigrations(dir);
    expect(problem).toContain("db/schema and db/migrations disagree");
    expect(problem).toContain('CREATE TABLE "tickets"');
  });
});

describe("checkEmbeddedModule", () => {
  it("passes for the committed module", () => {
    expect(checkEmbeddedModule(migrationsDir, path.join(root, "db/embedded-migrations.ts"))).toBeNull();
  });

  it("reports an edited migration", () => {
    const dir = copyMigrations();
    fs.appendFileSync(path.join(dir, "0002_grants.sql"), "\n-- edited after the fact\n");
    expect(checkEmbeddedModule(dir, path.join(root, "db/embedded-migrations.ts"))).toContain("does not match");
  });
});
