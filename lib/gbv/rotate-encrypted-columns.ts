import { sql, type SQL } from "drizzle-orm";
import { toRows, withSystem, type Database, type Tx } from "@/db/client";
import { InvalidToken } from "@/lib/crypto/fernet";
import type { EncryptedText, Keyring } from "@/lib/crypto/keyring";

/** A table and its encryptedText columns, by SQL name. The table must have a uuid primary key `id`. */
export interface EncryptedColumnSet {
  table: string;
  columns: readonly string[];
}

/**
 * Every encryptedText column in db/schema. A new encrypted column must be added here, and a test
 * compares this list with the schema. A table that the database does not have yet is skipped.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumnSet[] = [
  { table: "tickets", columns: ["encrypted_description", "encrypted_location", "encrypted_safe_contact"] },
  { table: "whatsapp_conversations", columns: ["encrypted_draft"] },
];

/** Rows per transaction: small enough to hold row locks briefly, large enough to keep round trips few. */
export const DEFAULT_ROTATION_BATCH_SIZE = 500;

export interface RotationCounts {
  /** Rows with at least one token re-encrypted under the current key (or that would be, in a dry run). */
  rotated: number;
  /** Rows whose tokens were all under the current key already. */
  alreadyCurrent: number;
  /** Rows with a token no configured key decrypts. They are left as they are. */
  failed: number;
}

export interface RotationFailure {
  table: string;
  id: string;
  columns: string[];
}

export interface RotationReport extends RotationCounts {
  dryRun: boolean;
  batches: number;
  /** True when `shouldStop` ended the run before the last row; running again continues. */
  interrupted: boolean;
  /** Counts per table, for the tables that exist. */
  tables: Record<string, RotationCounts>;
  /** "table.column" names from ENCRYPTED_COLUMNS that the database does not have, so nothing was rotated there. */
  skipped: string[];
  failures: RotationFailure[];
}

export interface RotationOptions {
  keyring: Keyring;
  dryRun?: boolean;
  batchSize?: number;
  db?: Database;
  /** Column sets to rotate; ENCRYPTED_COLUMNS when omitted. */
  columnSets?: readonly EncryptedColumnSet[];
  /** Called after each committed batch with the totals so far. */
  onBatch?: (progress: RotationCounts & { batches: number; table: string }) => void;
  /** Checked before each batch is read; returning true ends the run after the batches in progress. */
  shouldStop?: () => boolean;
}

/** A row read by raw SQL. Its token columns are declared encryptedText, so their text is a Fernet token. */
type BatchRow = { id: string } & Record<string, EncryptedText | null>;

interface RowUpdate {
  id: string;
  /** New token per column, or null to keep the stored value. */
  tokens: Record<string, EncryptedText | null>;
}

interface BatchResult {
  updates: RowUpdate[];
  alreadyCurrent: number;
  failures: RotationFailure[];
}

interface OpenBatch {
  rows: BatchRow[];
  /** Writes the updates (none for null) and commits. Resolves once committed. */
  finish: (updates: RowUpdate[] | null) => Promise<void>;
}

/**
 * Re-encrypts every encrypted column under the keyring's current key. Rows are visited in id
 * order in batches, and each batch is its own transaction as the system role, so an interrupted
 * run keeps the batches it finished and a second run skips the rows that are current. A row with
 * any token that no key decrypts is reported and left untouched. `updated_at` is kept, because
 * re-encryption changes no fact about the row.
 */
export async function rotateEncryptedColumns(options: RotationOptions): Promise<RotationReport> {
  const batchSize = options.batchSize ?? DEFAULT_ROTATION_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const report: RotationReport = {
    dryRun: options.dryRun === true,
    batches: 0,
    interrupted: false,
    rotated: 0,
    alreadyCurrent: 0,
    failed: 0,
    tables: {},
    skipped: [],
    failures: [],
  };

  const { present, skipped } = await findColumnSets(options.columnSets ?? ENCRYPTED_COLUMNS, options.db);
  report.skipped = skipped;
  for (const columnSet of present) {
    if (report.interrupted) break;
    await rotateTable(columnSet, batchSize, options, report);
  }
  return report;
}

/**
 * Rotates one table. The next batch is read while this one is re-encrypted and written, so the
 * database works while the keyring does. That takes two connections at once.
 */
async function rotateTable(columnSet: EncryptedColumnSet, batchSize: number, options: RotationOptions, report: RotationReport): Promise<void> {
  const tableCounts: RotationCounts = { rotated: 0, alreadyCurrent: 0, failed: 0 };
  report.tables[columnSet.table] = tableCounts;
  const record = (result: BatchResult) => {
    for (const counts of [report, tableCounts]) {
      counts.rotated += result.updates.length;
      counts.alreadyCurrent += result.alreadyCurrent;
      counts.failed += result.failures.length;
    }
    report.batches += 1;
    report.failures.push(...result.failures);
    options.onBatch?.({
      table: columnSet.table,
      rotated: report.rotated,
      alreadyCurrent: report.alreadyCurrent,
      failed: report.failed,
      batches: report.batches,
    });
  };

  if (options.shouldStop?.()) {
    report.interrupted = true;
    return;
  }
  let next: Promise<OpenBatch> | null = openBatch(columnSet, null, batchSize, options.db);
  let previousWrite: Promise<void> = Promise.resolve();
  try {
    while (next) {
      const batch: OpenBatch = await next;
      next = null;
      if (batch.rows.length === 0) {
        await batch.finish(null);
        break;
      }

      if (batch.rows.length === batchSize) {
        if (options.shouldStop?.()) report.interrupted = true;
        else next = openBatch(columnSet, batch.rows.at(-1)!.id, batchSize, options.db);
      }
      const result = rotateRows(options.keyring, columnSet, batch.rows);

      // Batches are recorded in order, so onBatch reports committed work only.
      await previousWrite;
      previousWrite = batch.finish(report.dryRun ? null : result.updates).then(() => record(result));
    }
    await previousWrite;
  } finally {
    // After an error, a batch that is still being read needs its transaction closed.
    const pending = next as Promise<OpenBatch> | null;
    if (pending) await pending.then((batch) => batch.finish(null)).catch(() => undefined);
    await previousWrite.catch(() => undefined);
  }
}

/** Splits the column sets into those whose table and columns exist and the "table.column" names that do not. */
async function findColumnSets(columnSets: readonly EncryptedColumnSet[], db: Database | undefined) {
  const existing = await withSystem(async (tx) => {
    const rows = toRows<{ table_name: string; column_name: string }>(
      await tx.execute(sql`select table_name, column_name from information_schema.columns where table_schema = current_schema()`),
    );
    return new Set(rows.map((row) => `${row.table_name}.${row.column_name}`));
  }, db);

  const present: EncryptedColumnSet[] = [];
  const skipped: string[] = [];
  for (const columnSet of columnSets) {
    const columns = columnSet.columns.filter((column) => existing.has(`${columnSet.table}.${column}`));
    skipped.push(...columnSet.columns.filter((column) => !columns.includes(column)).map((column) => `${columnSet.table}.${column}`));
    if (columns.length > 0) present.push({ table: columnSet.table, columns });
  }
  return { present, skipped };
}

/**
 * Opens a transaction, locks and reads the next batch of rows after `afterId`, and resolves with
 * them while the transaction stays open until `finish` is called.
 */
function openBatch(columnSet: EncryptedColumnSet, afterId: string | null, batchSize: number, db: Database | undefined): Promise<OpenBatch> {
  return new Promise((resolveOpened, rejectOpened) => {
    let provideUpdates: (updates: RowUpdate[] | null) => void = () => undefined;
    const updatesReady = new Promise<RowUpdate[] | null>((resolve) => {
      provideUpdates = resolve;
    });

    const committed = withSystem(async (tx) => {
      const table = sql.identifier(columnSet.table);
      const anyToken = sql.join(
        columnSet.columns.map((column) => sql`${sql.identifier(column)} is not null`),
        sql` or `,
      );
      const after: SQL = afterId === null ? sql`` : sql`and id > ${afterId}::uuid`;
      const rows = toRows<BatchRow>(
        await tx.execute(sql`
          select id, ${sql.join(columnSet.columns.map((column) => sql.identifier(column)), sql`, `)}
          from ${table}
          where (${anyToken}) ${after}
          order by id
          limit ${batchSize}
          for update`),
      );
      resolveOpened({
        rows,
        finish: (updates) => {
          provideUpdates(updates);
          return committed;
        },
      });

      const updates = await updatesReady;
      if (updates && updates.length > 0) await writeUpdates(tx, columnSet, updates);
    }, db);
    committed.catch(rejectOpened);
  });
}

/** Decides each row's fate: re-encrypted tokens, already current, or failed (left untouched). */
function rotateRows(keyring: Keyring, columnSet: EncryptedColumnSet, rows: BatchRow[]): BatchResult {
  const updates: RowUpdate[] = [];
  const failures: RotationFailure[] = [];
  let alreadyCurrent = 0;
  for (const row of rows) {
    const tokens: RowUpdate["tokens"] = {};
    const failedColumns: string[] = [];
    let changed = false;
    for (const column of columnSet.columns) {
      tokens[column] = null;
      const token = row[column] ?? null;
      if (token === null || keyring.isCurrent(token)) continue;
      try {
        tokens[column] = keyring.rotate(token);
        changed = true;
      } catch (error) {
        if (!(error instanceof InvalidToken)) throw error;
        failedColumns.push(column);
      }
    }
    if (failedColumns.length > 0) failures.push({ table: columnSet.table, id: row.id, columns: failedColumns });
    else if (changed) updates.push({ id: row.id, tokens });
    else alreadyCurrent += 1;
  }
  return { updates, alreadyCurrent, failures };
}

/** Writes the new tokens in one statement. Raw SQL, so that drizzle's $onUpdate does not move updated_at. */
async function writeUpdates(tx: Tx, columnSet: EncryptedColumnSet, updates: RowUpdate[]): Promise<void> {
  const table = sql.identifier(columnSet.table);
  const values = updates.map(
    (update) => sql`(${update.id}::uuid, ${sql.join(columnSet.columns.map((column) => sql`${update.tokens[column]}::text`), sql`, `)})`,
  );
  const assignments = columnSet.columns.map(
    (column) => sql`${sql.identifier(column)} = coalesce(v.${sql.identifier(column)}, ${table}.${sql.identifier(column)})`,
  );
  await tx.execute(sql`
    update ${table} set ${sql.join(assignments, sql`, `)}
    from (values ${sql.join(values, sql`, `)}) as v(id, ${sql.join(columnSet.columns.map((column) => sql.identifier(column)), sql`, `)})
    where ${table}.id = v.id`);
}
