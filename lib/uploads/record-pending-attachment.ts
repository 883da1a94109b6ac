import { queryAsTenant } from "@/db/client";
import type { Actor } from "@/lib/auth/types";
import type { Locale } from "@/lib/i18n";
import type { UploadPurpose } from "./limits";

// Records the pending attachment of an upload intent, the one database write on the hot path of
// every upload. Intents that arrive while a tenant's previous insert is still running are queued
// and then inserted as one batch, by one statement in one round trip. A burst of uploads therefore
// pays for one transaction and one WAL flush per batch instead of one per intent. A lone intent goes
// straight through, so batching adds no wait. Every row still gets its own resident and
// pending-limit check under the tenant's row-level security, and its caller gets the outcome only
// after the batch has committed.

/**
 * Unfinished intents a resident may hold at once. The cleanup job deletes them a day after
 * creation, so this bounds how many empty rows and upload policies one account can pile up.
 */
export const MAX_PENDING_INTENTS = 30;

// Bounds the statement's size. A longer queue is written in several batches.
const MAX_BATCH = 64;

export interface PendingAttachment {
  /** Row id, chosen by the caller so it can remember the row without reading it back. */
  id: string;
  fileId: string;
  bucket: string;
  key: string;
  filename: string;
  declaredType: string;
  contentType: string;
  declaredSize: number;
  purpose: UploadPurpose;
  uploadExpiresAt: Date;
}

/**
 * Null when the actor is not a resident of the tenant. Otherwise the resident's language, their
 * unfinished intents before this one, and whether the row went in (false when the limit was reached).
 */
export type PendingOutcome = { preferredLanguage: Locale; pending: number; inserted: boolean } | null;

interface Waiting {
  ownerId: string;
  row: PendingAttachment;
  resolve: (outcome: PendingOutcome) => void;
  reject: (error: unknown) => void;
}

// Per tenant, because a transaction runs under one tenant's row-level security. A tenant has a
// queue only while one of its inserts is running.
const queues = new Map<string, Waiting[]>();

/** Inserts the pending attachment if the actor is a resident with room under MAX_PENDING_INTENTS. */
export function recordPendingAttachment(actor: Actor, row: PendingAttachment): Promise<PendingOutcome> {
  return new Promise((resolve, reject) => {
    const waiting: Waiting = { ownerId: actor.userId, row, resolve, reject };
    const queue = queues.get(actor.tenantId);
    if (queue) {
      queue.push(waiting);
      return;
    }
    queues.set(actor.tenantId, [waiting]);
    void drain(actor.tenantId);
  });
}

async function drain(tenantId: string): Promise<void> {
  const queue = queues.get(tenantId)!;
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH);
    try {
      const outcomes = await insertBatch(tenantId, batch);
      batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        continue;
      }
      // One bad row fails the whole statement, so each row is tried alone and fails only itself.
      for (const waiting of batch) {
        await insertBatch(tenantId, [waiting]).then(
          ([outcome]) => waiting.resolve(outcome!),
          waiting.reject,
        );
      }
    }
  }
  queues.delete(tenantId);
}

// Fixed text, so it is neither rebuilt nor parsed again for each batch. Parameters: $1 the rows as
// a JSON array, $2 tenant id, $3 MAX_PENDING_INTENTS.
const INSERT_PENDING = `
  with requested as (
    select * from jsonb_to_recordset($1::jsonb) as r(position int, id uuid, owner_id uuid, file_id uuid, bucket text,
      object_key text, original_filename text, declared_content_type text, content_type text, declared_size bigint,
      purpose attachment_purpose, upload_expires_at timestamptz)
  ),
  pending as (
    select owner_id, count(*)::int as pending from media_attachments
    where tenant_id = $2 and state = 'pending' and owner_id in (select owner_id from requested)
    group by owner_id
  ),
  checked as (
    select r.*, u.preferred_language,
      coalesce(p.pending, 0) + (row_number() over (partition by r.owner_id order by r.position))::int - 1 as pending
    from requested r
    join users u on u.id = r.owner_id and u.tenant_id = $2 and u.role = 'resident'
    left join pending p on p.owner_id = r.owner_id
  ),
  inserted as (
    insert into media_attachments (id, tenant_id, owner_id, file_id, bucket, object_key, original_filename,
      declared_content_type, content_type, declared_size, purpose, source, state, upload_expires_at)
    select id, $2::uuid, owner_id, file_id, bucket, object_key, original_filename,
      declared_content_type, content_type, declared_size, purpose, 'web', 'pending', upload_expires_at
    from checked
    where pending < $3
    returning file_id
  )
  select position, preferred_language as "preferredLanguage", pending,
    exists (select 1 from inserted i where i.file_id = checked.file_id) as inserted
  from checked
`;

/**
 * Inserts the rows whose owner is a resident of the tenant below the pending limit, counting the
 * owner's earlier rows in the same batch, and returns one outcome per row in the given order.
 * NOTE: two app processes can insert for one resident at the same moment, and then both may see
 * the last free place, so the limit can be passed by the number of app processes.
 */
async function insertBatch(tenantId: string, batch: Waiting[]): Promise<PendingOutcome[]> {
  // The rows travel as one JSON parameter, which keeps the statement text the same for any batch size.
  const requested = JSON.stringify(
    batch.map((waiting, position) => ({
      position,
      id: waiting.row.id,
      owner_id: waiting.ownerId,
      file_id: waiting.row.fileId,
      bucket: waiting.row.bucket,
      object_key: waiting.row.key,
      original_filename: waiting.row.filename,
      declared_content_type: waiting.row.declaredType,
      content_type: waiting.row.contentType,
      declared_size: waiting.row.declaredSize,
      purpose: waiting.row.purpose,
      upload_expires_at: waiting.row.uploadExpiresAt.toISOString(),
    })),
  );
  const rows = await queryAsTenant<{ position: number; preferredLanguage: Locale; pending: number; inserted: boolean }>(tenantId, {
    sql: INSERT_PENDING,
    params: [requested, tenantId, MAX_PENDING_INTENTS],
  });

  const outcomes: PendingOutcome[] = batch.map(() => null);
  for (const { position, ...outcome } of rows) outcomes[position] = outcome;
  return outcomes;
}
