// Fails when the committed migrations do not match db/schema, or when db/embedded-migrations.ts
// is stale. drizzle-kit regenerates into a copy of db/migrations (DRIZZLE_OUT, read by
// drizzle.config.ts); a new migration there means someone changed the schema without running
// `npm run db:generate`. Usage: npm run db:check
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { renderMigrationsModule } from "./embed-migrations";

const root = path.resolve(__dirname, "..");

function sqlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort();
}

/** Returns a description of the mismatch between db/schema and the migrations in `migrationsDir`, or null when they agree. */
export function checkSchemaMatchesMigrations(migrationsDir: string): string | null {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bika-migrations-"));
  try {
    fs.cpSync(migrationsDir, scratch, { recursive: true });
    const result = spawnSync(path.join(root, "node_modules/.bin/drizzle-kit"), ["generate", "--name=schema_check"], {
      cwd: root,
      // Relative, because drizzle-kit 0.31 prefixes "./" to the out path and so breaks an absolute one.
      env: { ...process.env, DRIZZLE_OUT: path.relative(root, scratch) },
      encoding: "utf8",
      // drizzle-kit prompts when it cannot tell a rename from a drop and add. Without a terminal
      // attached it would wait forever, so stdin is closed.
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    if (result.error || result.status !== 0) {
      const reason = result.error ? result.error.message : `exit status ${result.status}`;
      return `drizzle-kit generate failed (${reason}). Its output:\n${result.stdout}${result.stderr}`;
    }
    const output = `${result.stdout}${result.stderr}`;
    const added = sqlFiles(scratch).filter((name) => !sqlFiles(migrationsDir).includes(name));
    if (added.length === 0) {
      // drizzle-kit exits with status 0 even when it fails to read the snapshots, so only its
      // explicit verdict counts as agreement.
      if (output.includes("No schema changes")) return null;
      return `drizzle-kit generate neither reported "No schema changes" nor wrote a migration. Its output:\n${output}`;
    }
    const sqlText = added.map((name) => `-- ${name}\n${fs.readFileSync(path.join(scratch, name), "utf8")}`).join("\n");
    return (
      "db/schema and db/migrations disagree: drizzle-kit would generate a new migration.\n" +
      "Run `npm run db:generate -- --name=<what changed>` and commit the result. The missing SQL:\n\n" +
      sqlText
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Returns a description of the problem when `modulePath` is not what scripts/embed-migrations.ts renders, or null. */
export function checkEmbeddedModule(migrationsDir: string, modulePath: string): string | null {
  const expected = renderMigrationsModule(migrationsDir);
  const actual = fs.existsSync(modulePath) ? fs.readFileSync(modulePath, "utf8") : "";
  if (actual === expected) return null;
  return "db/embedded-migrations.ts does not match db/migrations. Run `npx tsx scripts/embed-migrations.ts` and commit the result.";
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(__filename);
if (isMain) {
  const migrationsDir = path.join(root, "db/migrations");
  const problems = [
    checkSchemaMatchesMigrations(migrationsDir),
    checkEmbeddedModule(migrationsDir, path.join(root, "db/embedded-migrations.ts")),
  ].filter((problem): problem is string => problem !== null);
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exitCode = 1;
  } else {
    console.log(`Migrations match the schema (${sqlFiles(migrationsDir).length} files) and db/embedded-migrations.ts is current.`);
  }
}
