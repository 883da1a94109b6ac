import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/lib/env";
import { migrations } from "./embedded-migrations";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

interface Connection {
  db: Database;
  /** Name of the driver in use, for logs and tests. */
  driver: "pglite" | "postgres";
  close: () => Promise<void>;
}

/**
 * Opens a database from a connection string, or the embedded PGlite database in `pgliteDir` when
 * the string is null. Migrations are not applied here; call `migrate`.
 */
export function openDatabase(options: { url: string | null; pgliteDir?: string; maxConnections?: number }): Connection {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
    });
    return {
      db: drizzlePostgres(client, { schema }) as unknown as Database,
      driver: "postgres",
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = options.pgliteDir ?? env().pgliteDir;
  if (dataDir !== "memory://") fs.mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    driver: "pglite",
    close: () => client.close(),
  };
}

// One connection per process. Next.js development mode re-evaluates modules, so the handle lives
// on globalThis instead of in a module variable.
const globalForDb = globalThis as typeof globalThis & { __bikaDb?: { connection: Connection; ready: Promise<void> } };

/** Returns the process-wide database, migrated before first use. */
export async function getDb(): Promise<Database> {
  let current = globalForDb.__bikaDb;
  if (!current) {
    const connection = openDatabase({ url: env().databaseUrl });
    current = { connection, ready: migrate(connection.db).then(() => undefined) };
    globalForDb.__bikaDb = current;
  }
  await current.ready;
  return current.connection.db;
}

/** Closes the process-wide database (scripts and tests). */
export async function closeDb(): Promise<void> {
  const current = globalForDb.__bikaDb;
  globalForDb.__bikaDb = undefined;
  if (current) {
    await current.ready.catch(() => {});
    await current.connection.close();
  }
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `fn` in a transaction as the application role with `app.tenant_id` set, so row-level
 * security confines every statement to that tenant. Callers still filter by tenant; RLS is the
 * second wall.
 */
export async function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, db?: Database): Promise<T> {
  if (!UUID_PATTERN.test(tenantId)) throw new Error(`withTenant: tenant id must be a UUID, got ${JSON.stringify(tenantId)}`);
  const database = db ?? (await getDb());
  return database.transaction(async (tx) => {
    await tx.execute(sql`set local role bika_app`);
    await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true)`);
    return fn(tx);
  });
}

/**
 * Runs `fn` in a transaction as the system role, which reads and writes every tenant's rows. Only for work
 * that must span tenants: sign-in lookups, the job worker, cleanup and seeding.
 */
export async function withSystem<T>(fn: (tx: Tx) => Promise<T>, db?: Database): Promise<T> {
  const database = db ?? (await getDb());
  return database.transaction(async (tx) => {
    await tx.execute(sql`set local role bika_system`);
    return fn(tx);
  });
}

/**
 * Applies the embedded migrations that the database has not seen yet, all in one transaction, so a
 * failure leaves the schema as it was. An advisory lock keeps two starting processes from migrating
 * at once.
 */
export async function migrate(db: Database): Promise<{ applied: string[] }> {
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    // 0x6b696b61 spells "bika"; any constant works as long as every process uses the same one.
    await tx.execute(sql`select pg_advisory_xact_lock(1651076961)`);
    await tx.execute(sql`create schema if not exists bika_meta`);
    await tx.execute(
      sql`create table if not exists bika_meta.migrations (tag text primary key, hash text not null, applied_at timestamptz not null default now())`,
    );
    const rows = (await tx.execute(sql`select tag, hash from bika_meta.migrations`)) as unknown;
    const done = new Map(toRows<{ tag: string; hash: string }>(rows).map((row) => [row.tag, row.hash]));
    for (const migration of migrations) {
      const seenHash = done.get(migration.tag);
      if (seenHash !== undefined) {
        if (seenHash !== migration.hash) {
          throw new Error(
            `Migration ${migration.tag} was changed after it was applied (hash ${seenHash} in the database, ${migration.hash} now). Add a new migration instead of editing an applied one.`,
          );
        }
        continue;
      }
      for (const statement of migration.statements) {
        await tx.execute(sql.raw(statement));
      }
      await tx.execute(sql`insert into bika_meta.migrations (tag, hash) values (${migration.tag}, ${migration.hash})`);
      applied.push(migration.tag);
    }
  });
  return { applied };
}

/** Normalises the result of `execute` across drivers: postgres.js returns an array, PGlite `{ rows }`. */
export function toRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === "object" && "rows" in result) return (result as { rows: T[] }).rows;
  return [];
}
