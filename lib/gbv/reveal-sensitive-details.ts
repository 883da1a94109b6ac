import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { withTenant } from "@/db/client";
import { tickets } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { getAppKeyring } from "@/lib/crypto/app-keyring";
import { InvalidToken } from "@/lib/crypto/fernet";
import type { EncryptedText } from "@/lib/crypto/keyring";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { DETAILS_REVEALED, REVEAL_FAILED } from "./audit-actions";
import { decodeAccount, decodeSafeContact, REVEAL_REASON_MAX, REVEAL_REASON_MIN, type ConfidentialDetails } from "./confidential-details";
import type { GbvDependencies } from "./create-confidential-report";
import { assertRevealAllowed } from "./reveal-rate-limit";

export const RevealReason = z
  .string({ message: "State why you need to see the details." })
  .trim()
  .min(REVEAL_REASON_MIN, `State why you need to see the details in at least ${REVEAL_REASON_MIN} characters.`)
  .max(REVEAL_REASON_MAX, `Shorten the reason to ${REVEAL_REASON_MAX} characters or fewer.`);

export interface RevealedDetails extends ConfidentialDetails {
  ticketId: string;
  reference: string;
  revealedAt: Date;
  /** The audit event that records this reveal. */
  auditEventId: string;
}

/** Names of the encrypted ticket columns, as the audit metadata and error messages give them. */
type SecretField = "account" | "place" | "safe_contact";

/**
 * Decrypts a confidential report's details for a saps_liaison of the ticket's tenant, who must state
 * a reason. The audit event (actor, ticket, reason, request id, time) is committed in its own
 * transaction before anything is decrypted, so a reveal that cannot be recorded does not happen.
 * At most REVEAL_LIMIT reveals per officer in REVEAL_WINDOW_MINUTES. A token that cannot be
 * decrypted adds a `gbv.reveal_failed` event and throws AppError unavailable.
 */
export async function revealSensitiveDetails(
  ticketId: string,
  actor: Actor,
  reason: string,
  ctx: { requestId: string },
  deps: GbvDependencies = {},
): Promise<RevealedDetails> {
  requireRole(actor, ["saps_liaison"]);
  const parsedReason = z.object({ reason: RevealReason }).safeParse({ reason });
  if (!parsedReason.success) throw invalidInput(parsedReason.error);
  if (!z.uuid().safeParse(ticketId).success) throw ticketNotFound(ticketId);
  const statedReason = parsedReason.data.reason;
  const keyring = deps.keyring ?? getAppKeyring();

  const access = await withTenant(
    actor.tenantId,
    async (tx) => {
      await assertRevealAllowed(tx, actor);
      const [ticket] = await tx
        .select({
          id: tickets.id,
          reference: tickets.reference,
          isSensitive: tickets.isSensitive,
          encryptedDescription: tickets.encryptedDescription,
          encryptedLocation: tickets.encryptedLocation,
          encryptedSafeContact: tickets.encryptedSafeContact,
        })
        .from(tickets)
        .where(and(eq(tickets.id, ticketId), eq(tickets.tenantId, actor.tenantId)))
        .limit(1);
      if (!ticket) throw ticketNotFound(ticketId);
      if (!ticket.isSensitive) {
        throw new AppError("invalid_input", `Ticket ${ticket.reference} is not a confidential report; its details are on the ticket page.`);
      }

      const auditEventId = await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: DETAILS_REVEALED,
        targetType: "ticket",
        targetId: ticket.id,
        reason: statedReason,
        requestId: ctx.requestId,
        metadata: { reference: ticket.reference },
      });
      return { ticket, auditEventId };
    },
    deps.db,
  );

  const { ticket, auditEventId } = access;
  const failures: { field: SecretField; failure: string }[] = [];
  const decrypt = (field: SecretField, token: EncryptedText | null): string | null => {
    if (token === null) return null;
    try {
      return keyring.decryptText(token);
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      failures.push({ field, failure: error.reason });
      return null;
    }
  };
  const account = decrypt("account", ticket.encryptedDescription);
  const place = decrypt("place", ticket.encryptedLocation);
  const safeContact = decrypt("safe_contact", ticket.encryptedSafeContact);

  if (failures.length > 0) {
    await withTenant(
      actor.tenantId,
      (tx) =>
        writeAuditEvent(tx, {
          tenantId: actor.tenantId,
          actorId: actor.userId,
          action: REVEAL_FAILED,
          targetType: "ticket",
          targetId: ticket.id,
          reason: statedReason,
          requestId: ctx.requestId,
          metadata: { reference: ticket.reference, revealEventId: auditEventId, failures },
        }),
      deps.db,
    );
    const fields = failures.map(({ field }) => field.replace("_", " ")).join(", ");
    throw new AppError(
      "unavailable",
      `Cannot decrypt the confidential details of ${ticket.reference} (${fields}). The stored ciphertext is damaged, or it was ` +
        "encrypted with a key that is no longer in ENCRYPTION_KEY_CURRENT or ENCRYPTION_KEY_PREVIOUS. The attempt is recorded " +
        "in the audit log; ask the system administrator to check the keys.",
      { cause: failures },
    );
  }

  return {
    ticketId: ticket.id,
    reference: ticket.reference,
    revealedAt: new Date(),
    auditEventId,
    account: account === null ? null : decodeAccount(account),
    place,
    safeContact: safeContact === null ? null : decodeSafeContact(safeContact),
  };
}

function ticketNotFound(ticketId: string): AppError {
  return new AppError("not_found", `Ticket ${JSON.stringify(ticketId)} was not found in this municipality.`);
}
