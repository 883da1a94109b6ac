"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireActor } from "@/lib/auth/session";
import { createConfidentialReport, type CreateConfidentialReportInput } from "@/lib/gbv/create-confidential-report";
import { revealSensitiveDetails, type RevealedDetails } from "@/lib/gbv/reveal-sensitive-details";

const TenantSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "The municipality in the address is not valid.").max(63);

/**
 * Files a resident's confidential (GBV) report with the municipality of `slug`. Returns only the
 * reference: nothing the resident typed travels back to the browser.
 */
export async function submitConfidentialReport(slug: string, input: CreateConfidentialReportInput): Promise<ActionResult<{ reference: string }>> {
  return runAction("submitConfidentialReport", async (context) => {
    const tenantSlug = TenantSlug.parse(slug);
    const actor = await requireActor({ roles: ["resident"], tenantSlug });
    context.setTenant(actor.tenantId);

    const ticket = await createConfidentialReport(actor, input, { requestId: context.requestId });

    revalidatePath(`/m/${tenantSlug}/reports`);
    revalidatePath("/dashboard");
    return { reference: ticket.reference };
  });
}

/**
 * Reveals a confidential report's details to the signed-in saps_liaison for this one response.
 * The verb checks the role and tenant, requires the reason, audits and rate-limits.
 */
export async function revealDetails(ticketId: string, reason: string): Promise<ActionResult<RevealedDetails>> {
  return runAction("revealDetails", async (context) => {
    const actor = await requireActor({ roles: ["saps_liaison"] });
    context.setTenant(actor.tenantId);
    return revealSensitiveDetails(String(ticketId), actor, reason, { requestId: context.requestId });
  });
}
