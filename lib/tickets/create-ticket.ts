import { and, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { withTenant, type Database } from "@/db/client";
import { categories, mediaAttachments, tenants, tickets, users } from "@/db/schema";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { requireRole } from "@/lib/auth/require-role";
import type { Actor } from "@/lib/auth/types";
import { AppError } from "@/lib/errors";
import { invalidInput } from "@/lib/http";
import { allocateTicketReference } from "./ticket-reference";

/** Evidence files one report may carry. */
export const MAX_ATTACHMENTS_PER_TICKET = 5;

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

export const CreateTicketInput = z
  .object({
    categoryId: z.uuid({ message: "Choose a category from the list." }),
    description: z
      .string({ message: "Describe the problem." })
      .trim()
      .min(10, "Describe the problem in at least 10 characters.")
      .max(4000, "Shorten the description to 4000 characters or fewer."),
    addressText: z.preprocess(
      emptyToUndefined,
      z.string().trim().max(300, "Shorten the address to 300 characters or fewer.").optional(),
    ),
    latitude: z.number().min(-90, "Latitude must be between -90 and 90.").max(90, "Latitude must be between -90 and 90.").optional(),
    longitude: z
      .number()
      .min(-180, "Longitude must be between -180 and 180.")
      .max(180, "Longitude must be between -180 and 180.")
      .optional(),
    attachmentFileIds: z
      .array(z.uuid({ message: "Each attachment must be a file id returned by the upload." }))
      .max(MAX_ATTACHMENTS_PER_TICKET, `Attach at most ${MAX_ATTACHMENTS_PER_TICKET} files.`)
      .default([]),
  })
  .refine((value) => (value.latitude === undefined) === (value.longitude === undefined), {
    path: ["latitude"],
    message: "Give both latitude and longitude, or neither.",
  });
export type CreateTicketInput = z.input<typeof CreateTicketInput>;

export interface CreateTicketContext {
  requestId: string;
  /** Channel the report came through; the WhatsApp conversation passes "whatsapp". */
  channel?: "web" | "whatsapp";
}

/**
 * Records a resident's report with a new reference, attaches the resident's confirmed evidence
 * uploads, and audits it, all in one transaction. Sensitive categories (GBV) are rejected here
 * because their reports must go through the confidential path, which encrypts the account.
 */
export async function createTicket(
  actor: Actor,
  input: CreateTicketInput,
  ctx: CreateTicketContext,
  db?: Database,
): Promise<{ id: string; reference: string }> {
  requireRole(actor, ["resident"]);
  const parsed = CreateTicketInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const data = parsed.data;
  const channel = ctx.channel ?? "web";
  const fileIds = [...new Set(data.attachmentFileIds)];

  return withTenant(
    actor.tenantId,
    async (tx) => {
      const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, actor.tenantId)).limit(1);
      if (!tenant) throw new AppError("not_found", `Municipality ${actor.tenantSlug} was not found.`);
      const [category] = await tx
        .select()
        .from(categories)
        .where(and(eq(categories.id, data.categoryId), eq(categories.tenantId, actor.tenantId)))
        .limit(1);
      if (!category) {
        throw new AppError("not_found", `Category ${data.categoryId} was not found in ${tenant.name}. Choose a category from the list.`, {
          fieldErrors: { categoryId: ["Choose a category from the list."] },
        });
      }
      if (category.isSensitive) {
        throw new AppError("invalid_input", `Reports in the category "${category.name}" must use the confidential report form.`, {
          fieldErrors: { categoryId: ["Use the confidential report form for this category."] },
        });
      }

      if (tenant.settings.requireVerifiedResidence && channel === "web") {
        const [reporter] = await tx
          .select({ verificationStatus: users.verificationStatus })
          .from(users)
          .where(and(eq(users.id, actor.userId), eq(users.tenantId, actor.tenantId)))
          .limit(1);
        if (reporter?.verificationStatus !== "verified") {
          throw new AppError("forbidden", `${tenant.name} accepts web reports only from residents with verified proof of residence. Submit proof of residence first.`);
        }
      }

      // Locked so that two reports submitted at once cannot both claim the same upload.
      const attachments =
        fileIds.length === 0
          ? []
          : await tx
              .select({ id: mediaAttachments.id, fileId: mediaAttachments.fileId })
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
              .for("update");
      const missing = fileIds.filter((fileId) => !attachments.some((attachment) => attachment.fileId === fileId));
      if (missing.length > 0) {
        throw new AppError(
          "not_found",
          `Attachment ${missing.join(", ")} was not found, is not finished uploading, or is already on a report. Upload the file again.`,
          { fieldErrors: { attachmentFileIds: [`Attachment ${missing.join(", ")} was not found. Upload the file again.`] } },
        );
      }

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
          latitude: data.latitude ?? null,
          longitude: data.longitude ?? null,
          addressText: data.addressText ?? null,
          description: data.description,
          createdAt,
          updatedAt: createdAt,
        })
        .returning({ id: tickets.id, reference: tickets.reference });
      if (!ticket) throw new Error(`createTicket: insert of ${reference} returned no row`);
      if (attachments.length > 0) {
        await tx
          .update(mediaAttachments)
          .set({ ticketId: ticket.id })
          .where(and(eq(mediaAttachments.tenantId, actor.tenantId), inArray(mediaAttachments.id, attachments.map((a) => a.id))));
      }

      await writeAuditEvent(tx, {
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: "ticket.created",
        targetType: "ticket",
        targetId: ticket.id,
        requestId: ctx.requestId,
        metadata: { reference, categoryId: category.id, channel, attachmentCount: attachments.length },
      });
      return ticket;
    },
    db,
  );
}
