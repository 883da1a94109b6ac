import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { migrate, openDatabase, type Database } from "@/db/client";

/**
 * Server that integration tests create their databases on. Tests refuse any host but loopback so
 * a stray setting can never point them at a shared database.
 */
export const TEST_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export function assertLocalDatabase(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Refusing to run tests against ${host}: test databases must be on 127.0.0.1`);
  }
}

export interface TestDatabase {
  db: Database;
  url: string;
  drop: () => Promise<void>;
}

/** Creates an empty PostgreSQL database with a unique name, applies the migrations, and returns it. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  assertLocalDatabase(TEST_ADMIN_URL);
  const name = `bika_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(TEST_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();

  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  const connection = openDatabase({ url: url.toString(), maxConnections: 5 });
  if (options.migrate !== false) await migrate(connection.db);

  return {
    db: connection.db,
    url: url.toString(),
    drop: async () => {
      await connection.close();
      const cleanup = postgres(TEST_ADMIN_URL, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Opens an in-memory PGlite database with the migrations applied. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const connection = openDatabase({ url: null, pgliteDir: "memory://" });
  await migrate(connection.db);
  return { db: connection.db, url: "memory://", drop: () => connection.close() };
}
