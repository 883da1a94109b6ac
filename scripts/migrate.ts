// Applies the embedded migrations to DATABASE_URL, or to the PGlite database in PGLITE_DIR
// (var/pgdata by default) when DATABASE_URL is unset. Usage: npm run db:migrate
import { migrate, openDatabase } from "@/db/client";
import { env } from "@/lib/env";

async function main(): Promise<void> {
  const settings = env();
  const connection = openDatabase({ url: settings.databaseUrl, maxConnections: 1 });
  const target = settings.databaseUrl ? "PostgreSQL at DATABASE_URL" : `PGlite in ${settings.pgliteDir}`;
  try {
    const { applied } = await migrate(connection.db);
    console.log(applied.length === 0 ? `${target} is up to date.` : `Applied to ${target}: ${applied.join(", ")}`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
