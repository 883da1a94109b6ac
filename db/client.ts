import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { is, SQL, sql, type Query } from "drizzle-orm";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres, PostgresJsSession } from "drizzle-orm/postgres-js";
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
  return inTransactionWith(db ?? (await getDb()), tenantSettings(tenantId), fn);
}

/**
 * Runs one statement as `withTenant` would, in one round trip: the settings and the statement go
 * out together, and PostgreSQL runs them as one implicit transaction that commits at its end or
 * not at all. The statement is prepared on each connection, so its text must not vary with the
 * values. Returns its rows. A statement on every request's path may come as text with `$n`
 * parameters, which spares building the text from a drizzle SQL object each time.
 */
export async function queryAsTenant<T>(tenantId: string, statement: SQL | Query, db?: Database): Promise<T[]> {
  const settings = tenantSettings(tenantId);
  const database = db ?? (await getDb());
  const session = database._.session;
  if (is(session, PostgresJsSession)) {
    const query = is(statement, SQL) ? dialect.sqlToQuery(statement) : statement;
    // A batch ends with a single Sync, which is what makes its statements one transaction.
    const client = session.client;
    const [, rows] = await client.batch([client.unsafe(settings), client.unsafe(query.sql, query.params as never[], { prepare: true })]);
    return rows as unknown as T[];
  }
  return withTenant(
    tenantId,
    async (tx) =>
      toRows<T>(
        is(statement, SQL)
          ? await tx.execute(statement)
          : await tx._.session.prepareQuery(statement, undefined, undefined, false).execute(),
      ),
    database,
  );
}

/**
 * Returns the statement that makes a transaction run as the application role for one tenant.
 * set_config with is_local = true is SET LOCAL, and `role` is the setting SET ROLE changes, with
 * the same membership check. The id is inlined, which the UUID check makes safe, because a
 * statement without parameters needs no round trip for postgres.js to learn their types.
 */
function tenantSettings(tenantId: string): string {
  if (!UUID_PATTERN.test(tenantId)) throw new Error(`withTenant: tenant id must be a UUID, got ${JSON.stringify(tenantId)}`);
  return `select set_config('role', 'bika_app', true), set_config('app.tenant_id', '${tenantId}', true)`;
}

// Turns a drizzle SQL object into text and parameters for postgres.js.
const dialect = new PgDialect();

/**
 * Runs `fn` in a transaction as the system role, which reads and writes every tenant's rows. Only for work
 * that must span tenants: sign-in lookups, the job worker, cleanup and seeding.
 */
export async function withSystem<T>(fn: (tx: Tx) => Promise<T>, db?: Database): Promise<T> {
  return inTransactionWith(db ?? (await getDb()), "set local role bika_system", fn);
}

/** Runs `fn` in a transaction that first runs `settings`, a statement without parameters. */
async function inTransactionWith<T>(database: Database, settings: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.transaction(async (tx) => {
    const session = tx._.session;
    if (is(session, PostgresJsSession)) {
      // postgres.js sends a transaction's statements in the order they are issued, so the settings
      // go out with the first statement of `fn` instead of taking a round trip of their own. If
      // they fail, PostgreSQL aborts the transaction and every later statement fails with it.
      const applied = session.client.unsafe(settings).execute();
      const [, result] = await Promise.all([applied, Promise.resolve().then(() => fn(tx))]);
      return result;
    }
    await tx.execute(sql.raw(settings));
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
