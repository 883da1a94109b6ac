"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireActor } from "@/lib/auth/session";
import { STAFF_ROLES } from "@/lib/auth/types";
import { changeTicketStatus, ChangeTicketStatusInput } from "@/lib/tickets/change-ticket-status";
import { createTicket, CreateTicketInput } from "@/lib/tickets/create-ticket";

const TenantSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "The municipality in the address is not valid.").max(63);

/** Files a resident's report with the municipality of `slug` and returns its reference. */
export async function submitReport(slug: string, input: CreateTicketInput): Promise<ActionResult<{ reference: string }>> {
  return runAction("submitReport", async (context) => {
    const tenantSlug = TenantSlug.parse(slug);
    const actor = await requireActor({ roles: ["resident"], tenantSlug });
    context.setTenant(actor.tenantId);
    const parsed = CreateTicketInput.parse(input);

    const ticket = await createTicket(actor, parsed, { requestId: context.requestId });

    revalidatePath(`/m/${tenantSlug}/reports`);
    revalidatePath("/dashboard");
    return { reference: ticket.reference };
  });
}

/** State of the dashboard's status form between submissions. */
export type ChangeStatusState = ActionResult<{ status: string }> | null;

/** Moves a ticket to the status chosen in the dashboard's status form. */
export async function changeStatus(_previous: ChangeStatusState, formData: FormData): Promise<ChangeStatusState> {
  return runAction("changeStatus", async (context) => {
    const actor = await requireActor({ roles: STAFF_ROLES });
    context.setTenant(actor.tenantId);
    const input = ChangeTicketStatusInput.parse({
      ticketId: formData.get("ticketId"),
      status: formData.get("status"),
      note: formData.get("note") ?? undefined,
    });

    await changeTicketStatus(actor, input, { requestId: context.requestId });

    revalidatePath(`/dashboard/tickets/${input.ticketId}`);
    revalidatePath("/dashboard");
    return { status: input.status };
  });
}
