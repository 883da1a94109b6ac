import { desc, eq } from "drizzle-orm";
import { withSystem, type Database } from "@/db/client";
import { devOutbox, tenants } from "@/db/schema";

export interface OutboxMessage {
  id: string;
  tenantName: string;
  tenantSlug: string;
  channel: string;
  recipient: string;
  body: string;
  createdAt: Date;
}

/**
 * Lists development outbox messages of every tenant, newest first. Reads as the system role because
 * the page spans tenants; callers decide whether the outbox may be shown at all (`isOutboxVisible`).
 */
export async function listOutboxMessages(
  options: { recipient?: string; limit?: number } = {},
  db?: Database,
): Promise<OutboxMessage[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 500);
  return withSystem(async (tx) => {
    const query = tx
      .select({
        id: devOutbox.id,
        tenantName: tenants.name,
        tenantSlug: tenants.slug,
        channel: devOutbox.channel,
        recipient: devOutbox.recipient,
        body: devOutbox.body,
        createdAt: devOutbox.createdAt,
      })
      .from(devOutbox)
      .innerJoin(tenants, eq(tenants.id, devOutbox.tenantId))
      .$dynamic();
    if (options.recipient) query.where(eq(devOutbox.recipient, options.recipient));
    return query.orderBy(desc(devOutbox.createdAt), desc(devOutbox.id)).limit(limit);
  }, db);
}
