import { and, asc, gt, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { withSystem, type Database } from "@/db/client";
import { tickets } from "@/db/schema";
import { InvalidToken } from "@/lib/crypto/fernet";
import type { EncryptedText, Keyring } from "@/lib/crypto/keyring";

/**
 * Every encryptedText column in db/schema, as SQL names. A new encrypted column must be added here,
 * and a test compares this list with the schema.
 */
export const ENCRYPTED_TICKET_COLUMNS = ["encrypted_description", "encrypted_location", "encrypted_safe_contact"] as const;
export type EncryptedTicketColumn = (typeof ENCRYPTED_TICKET_COLUMNS)[number];

/** Rows per transaction: small enough to hold row locks briefly, large enough to keep round trips few. */
export const DEFAULT_ROTATION_BATCH_SIZE = 500;

export interface RotationCounts {
  /** Rows with at least one token re-encrypted under the current key (or that would be, in a dry run). */
  rotated: number;
  /** Rows whose tokens were all under the current key already. */
  alreadyCurrent: number;
  /** Rows with a token no configured key decrypts; they are left as they are. */
  failed: number;
}

export interface RotationFailure {
  ticketId: string;
  columns: EncryptedTicketColumn[];
}

export interface RotationReport extends RotationCounts {
  dryRun: boolean;
  batches: number;
  /** True when `shouldStop` ended the run before the last row; running again continues. */
  interrupted: boolean;
  failures: RotationFailure[];
}

export interface RotationOptions {
  keyring: Keyring;
  dryRun?: boolean;
  batchSize?: number;
  db?: Database;
  /** Called after each committed batch with the totals so far. */
  onBatch?: (progress: RotationCounts & { batches: number }) => void;
  /** Checked before each batch; returning true ends the run after the batch in progress. */
  shouldStop?: () => boolean;
}

interface RowUpdate {
  id: string;
  /** New token per column, or null to keep the stored value. */
  tokens: Record<EncryptedTicketColumn, EncryptedText | null>;
}

/**
 * Re-encrypts every encrypted ticket column under the keyring's current key. Rows are visited in
 * id order in batches, and each batch is its own transaction as the system role, so an interrupted
 * run keeps the batches it finished and a second run skips the rows that are current. A row with
 * any token that no key decrypts is reported and left untouched. `updated_at` is kept, because
 * re-encryption changes no fact about the ticket.
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
    failures: [],
  };
  let afterId: string | null = null;

  for (;;) {
    if (options.shouldStop?.()) {
      report.interrupted = true;
      break;
    }
    const batch = await rotateBatch(options.keyring, afterId, batchSize, report.dryRun, options.db);
    if (batch.rowCount === 0) break;

    report.batches += 1;
    report.rotated += batch.rotated;
    report.alreadyCurrent += batch.alreadyCurrent;
    report.failed += batch.failures.length;
    report.failures.push(...batch.failures);
    options.onBatch?.({ rotated: report.rotated, alreadyCurrent: report.alreadyCurrent, failed: report.failed, batches: report.batches });
    afterId = batch.lastId;
    if (batch.rowCount < batchSize) break;
  }
  return report;
}

async function rotateBatch(keyring: Keyring, afterId: string | null, batchSize: number, dryRun: boolean, db: Database | undefined) {
  return withSystem(async (tx) => {
    const conditions: (SQL | undefined)[] = [
      or(isNotNull(tickets.encryptedDescription), isNotNull(tickets.encryptedLocation), isNotNull(tickets.encryptedSafeContact)),
      afterId === null ? undefined : gt(tickets.id, afterId),
    ];
    const rows = await tx
      .select({
        id: tickets.id,
        encrypted_description: tickets.encryptedDescription,
        encrypted_location: tickets.encryptedLocation,
        encrypted_safe_contact: tickets.encryptedSafeContact,
      })
      .from(tickets)
      .where(and(...conditions))
      .orderBy(asc(tickets.id))
      .limit(batchSize)
      .for("update");

    const updates: RowUpdate[] = [];
    const failures: RotationFailure[] = [];
    let alreadyCurrent = 0;
    for (const row of rows) {
      const tokens: RowUpdate["tokens"] = { encrypted_description: null, encrypted_location: null, encrypted_safe_contact: null };
      const failedColumns: EncryptedTicketColumn[] = [];
      let changed = false;
      for (const column of ENCRYPTED_TICKET_COLUMNS) {
        const token = row[column];
        if (token === null || keyring.isCurrent(token)) continue;
        try {
          tokens[column] = keyring.rotate(token);
          changed = true;
        } catch (error) {
          if (!(error instanceof InvalidToken)) throw error;
          failedColumns.push(column);
        }
      }
      if (failedColumns.length > 0) failures.push({ ticketId: row.id, columns: failedColumns });
      else if (changed) updates.push({ id: row.id, tokens });
      else alreadyCurrent += 1;
    }

    if (!dryRun && updates.length > 0) {
      const values = updates.map(
        (update) =>
          sql`(${update.id}::uuid, ${update.tokens.encrypted_description}::text, ${update.tokens.encrypted_location}::text, ${update.tokens.encrypted_safe_contact}::text)`,
      );
      // Raw SQL so that drizzle's $onUpdate does not move updated_at.
      await tx.execute(sql`
        update tickets set
          encrypted_description = coalesce(v.encrypted_description, tickets.encrypted_description),
          encrypted_location = coalesce(v.encrypted_location, tickets.encrypted_location),
          encrypted_safe_contact = coalesce(v.encrypted_safe_contact, tickets.encrypted_safe_contact)
        from (values ${sql.join(values, sql`, `)}) as v(id, encrypted_description, encrypted_location, encrypted_safe_contact)
        where tickets.id = v.id`);
    }

    return { rowCount: rows.length, lastId: rows.at(-1)?.id ?? null, rotated: updates.length, alreadyCurrent, failures };
  }, db);
}
