import path from "node:path";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database, type Tx } from "@/db/client";
import { categories, mediaAttachments, tenants, tickets } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { getAppKeyring } from "@/lib/crypto/app-keyring";
import type { Keyring } from "@/lib/crypto/keyring";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { MAX_ATTACHMENTS_PER_TICKET } from "@/lib/tickets/create-ticket";
import { allocateTicketReference } from "@/lib/tickets/ticket-reference";
import {
  ACCOUNT_MAX,
  CONTACT_DETAILS_MAX,
  encodeAccount,
  encodeSafeContact,
  GBV_CATEGORY_SLUG,
  GBV_GENERIC_DESCRIPTION,
  PLACE_MAX,
  SAFE_CONTACT_METHODS,
  WHEN_MAX,
} from "./confidential-details";

// Also exported from here, where the WhatsApp confidential flow takes them from.
export { ACCOUNT_MAX, CONTACT_DETAILS_MAX, PLACE_MAX, WHEN_MAX };

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

// Messages never repeat what was typed: they reach logs and the browser.
export const CreateConfidentialReportInput = z.object({
  account: z
    .string({ message: "Describe what happened." })
    .trim()
    .min(10, "Describe what happened in at least 10 characters.")
    .max(ACCOUNT_MAX, `Shorten the account to ${ACCOUNT_MAX} characters or fewer.`),
  when: z.preprocess(emptyToUndefined, z.string().trim().max(WHEN_MAX, `Shorten when it happened to ${WHEN_MAX} characters or fewer.`).optional()),
  place: z.preprocess(emptyToUndefined, z.string().trim().max(PLACE_MAX, `Shorten where it happened to ${PLACE_MAX} characters or fewer.`).optional()),
  contactMethod: z.preprocess(
    emptyToUndefined,
    z.enum(SAFE_CONTACT_METHODS, { message: `Choose a contact method from the list (${SAFE_CONTACT_METHODS.join(", ")}).` }).optional(),
  ),
  contactDetails: z.preprocess(
    emptyToUndefined,
    z.string().trim().max(CONTACT_DETAILS_MAX, `Shorten the contact details to ${CONTACT_DETAILS_MAX} characters or fewer.`).optional(),
  ),
  attachmentFileIds: z
    .array(z.uuid({ message: "Each attachment must be a file id returned by the upload." }))
    .max(MAX_ATTACHMENTS_PER_TICKET, `Attach at most ${MAX_ATTACHMENTS_PER_TICKET} files.`)
    .default([]),
});
export type CreateConfidentialReportInput = z.input<typeof CreateConfidentialReportInput>;

export interface CreateConfidentialReportContext {
  requestId: string;
  channel?: "web" | "whatsapp";
}

export interface GbvDependencies {
  db?: Database;
  /** The process keyring when omitted. */
  keyring?: Keyring;
}

/**
 * Files a confidential (GBV) report for a resident. The account with its time, the place and the
 * safe-contact details are encrypted before the transaction opens, so no query, log line or
 * error carries them. The ticket stores only the generic description, no address or position, and
 * the resident's evidence uploads are attached under neutral file names.
 * Unlike `createTicket` it does not require verified residence, because a person in danger should
 * not have to prove an address first.
 */
export async function createConfidentialReport(
  actor: Actor,
  input: CreateConfidentialReportInput,
  ctx: CreateConfidentialReportContext,
  deps: GbvDependencies = {},
): Promise<{ id: string; reference: string }> {
  requireRole(actor, ["resident"]);
  const parsed = CreateConfidentialReportInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const data = parsed.data;
  const channel = ctx.channel ?? "web";
  const fileIds = [...new Set(data.attachmentFileIds)];

  const keyring = deps.keyring ?? getAppKeyring();
  const encryptedDescription = keyring.encrypt(encodeAccount({ account: data.account, when: data.when ?? null }));
  const encryptedLocation = data.place === undefined ? null : keyring.encrypt(data.place);
  const hasContact = data.contactMethod !== undefined || data.contactDetails !== undefined;
  const encryptedSafeContact = hasContact
    ? keyring.encrypt(encodeSafeContact({ method: data.contactMethod ?? null, details: data.contactDetails ?? null }))
    : null;

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, actor.tenantId)).limit(1);
      if (!tenant) throw new AppError("not_found", `Municipality ${actor.tenantSlug} was not found.`);
      const category = await getConfidentialCategoryOrThrow(tx, tenant);
      const attachments = await lockOwnEvidence(tx, actor, fileIds);

      const createdAt = new Date();
      const reference = await allocateTicketReference(tx, { tenantId: tenant.id, tenantCode: tenant.code, at: createdAt });
      const [ticket] = await tx
        .insert(tickets)
        .values({
          tenantId: actor.tenantId,
          reference,
          reporterId: actor.userId,
          categoryId: category.id,
          channel,
          description: GBV_GENERIC_DESCRIPTION,
          isSensitive: true,
          encryptedDescription,
          encryptedLocation,
          encryptedSafeContact,
          createdAt,
          updatedAt: createdAt,
        })
        .returning({ id: tickets.id, reference: tickets.reference });
      if (!ticket) throw new Error(`createConfidentialReport: insert of ${reference} returned no row`);
      // A file name such as "bruises-from-sipho.jpg" can name the people involved, so it is replaced.
      for (const [index, attachment] of attachments.entries()) {
        await tx
          .update(mediaAttachments)
          .set({ ticketId: ticket.id, originalFilename: neutralFilename(index + 1, attachment.originalFilename) })
          .where(and(eq(mediaAttachments.id, attachment.id), eq(mediaAttachments.tenantId, actor.tenantId)));
      }

      await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: "ticket.created",
        targetType: "ticket",
        targetId: ticket.id,
        requestId: ctx.requestId,
        metadata: { reference, categoryId: category.id, channel, attachmentCount: attachments.length, confidential: true },
      });
      return ticket;
    },
    deps.db,
  );
}

/** Returns the tenant's GBV category (slug `gbv`), else its first sensitive category, or throws unavailable. */
async function getConfidentialCategoryOrThrow(tx: Tx, tenant: { id: string; name: string }) {
  const sensitive = await tx
    .select({ id: categories.id, slug: categories.slug })
    .from(categories)
    .where(and(eq(categories.tenantId, tenant.id), eq(categories.isSensitive, true)))
    .orderBy(asc(categories.sortOrder), asc(categories.name));
  const category = sensitive.find((candidate) => candidate.slug === GBV_CATEGORY_SLUG) ?? sensitive[0];
  if (!category) {
    throw new AppError(
      "unavailable",
      `${tenant.name} has no sensitive category for confidential reports. An administrator must add one (slug "${GBV_CATEGORY_SLUG}", marked sensitive).`,
    );
  }
  return category;
}

/**
 * Locks the actor's confirmed evidence uploads that are not on a report yet, so that two reports
 * submitted at once cannot both claim one. Throws not_found naming any file id that does not qualify.
 */
async function lockOwnEvidence(tx: Tx, actor: Actor, fileIds: string[]) {
  if (fileIds.length === 0) return [];
  const attachments = await tx
    .select({ id: mediaAttachments.id, fileId: mediaAttachments.fileId, originalFilename: mediaAttachments.originalFilename })
    .from(mediaAttachments)
    .where(
      and(
        eq(mediaAttachments.tenantId, actor.tenantId),
        eq(mediaAttachments.ownerId, actor.userId),
        eq(mediaAttachments.purpose, "evidence"),
        inArray(mediaAttachments.fileId, fileIds),
        inArray(mediaAttachments.state, ["uploaded", "processed"]),
        isNull(mediaAttachments.ticketId),
      ),
    )
    .orderBy(asc(mediaAttachments.createdAt), asc(mediaAttachments.id))
    .for("update");
  const missing = fileIds.filter((fileId) => !attachments.some((attachment) => attachment.fileId === fileId));
  if (missing.length > 0) {
    throw new AppError(
      "not_found",
      `Attachment ${missing.join(", ")} was not found, is not finished uploading, or is already on a report. Upload the file again.`,
      { fieldErrors: { attachmentFileIds: [`Attachment ${missing.join(", ")} was not found. Upload the file again.`] } },
    );
  }
  return attachments;
}

/** Returns "evidence-2.jpg" for the second file, keeping a plain extension of up to 8 letters or digits. */
export function neutralFilename(position: number, originalFilename: string): string {
  const extension = path.extname(originalFilename).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) ? `evidence-${position}${extension}` : `evidence-${position}`;
}
