// Migrates the database and loads the demonstration municipalities and accounts into it. Safe to
// run again. Usage: npm run db:seed
import { migrate, openDatabase } from "@/db/client";
import { formatAccountTable, seed } from "@/db/seed";
import { env } from "@/lib/env";

async function main(): Promise<void> {
  const connection = openDatabase({ url: env().databaseUrl, maxConnections: 1 });
  try {
    await migrate(connection.db);
    const accounts = await seed(connection.db);
    console.log(`Seeded accounts:\n${formatAccountTable(accounts)}`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`Seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
