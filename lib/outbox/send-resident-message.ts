import type { Tx } from "@/db/client";
import { devOutbox } from "@/db/schema";
import { log as rootLogger, type Logger } from "@/lib/log";
import { maskPhoneNumber } from "@/lib/phone";

export type MessageChannel = "sms" | "whatsapp";

export interface ResidentMessage {
  tenantId: string;
  channel: MessageChannel;
  /** E.164 phone number. */
  recipient: string;
  body: string;
}

/**
 * Writes a message for a resident to the development outbox (the dev_outbox table, shown at
 * /dev/outbox) in the caller's transaction. Callers use it when no provider is configured for the
 * message. The log line names the outbox row but never carries the body, which may hold a one-time
 * code.
 */
export async function sendResidentMessage(
  tx: Tx,
  message: ResidentMessage,
  options: { log?: Logger } = {},
): Promise<{ outboxId: string }> {
  const log = options.log ?? rootLogger;
  const [row] = await tx
    .insert(devOutbox)
    .values({ tenantId: message.tenantId, channel: message.channel, recipient: message.recipient, body: message.body })
    .returning({ id: devOutbox.id });
  if (!row) throw new Error("sendResidentMessage: the dev_outbox insert returned no row");

  log.info(
    { tenantId: message.tenantId, outboxId: row.id, channel: message.channel, recipient: maskPhoneNumber(message.recipient) },
    "resident message written to the development outbox (no messaging provider is configured)",
  );
  return { outboxId: row.id };
}
