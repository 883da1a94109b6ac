"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions";
import { requireActor } from "@/lib/auth/session";
import { decideVerification, DecideVerificationInput } from "@/lib/verification/decide-verification";
import { submitProofOfResidence, SubmitProofOfResidenceInput } from "@/lib/verification/submit-proof-of-residence";
import { REVIEW_ROLES, REVIEWED_FIELD_NAMES } from "@/lib/verification/verification-requests";

const TenantSlug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "The municipality in the address is not valid.").max(63);

/** Submits the resident's uploaded proof of residence to the municipality of `slug` for review. */
export async function submitProofOfResidenceAction(slug: string, input: SubmitProofOfResidenceInput): Promise<ActionResult<{ id: string }>> {
  return runAction("submitProofOfResidence", async (context) => {
    const tenantSlug = TenantSlug.parse(slug);
    const actor = await requireActor({ roles: ["resident"], tenantSlug });
    context.setTenant(actor.tenantId);
    const parsed = SubmitProofOfResidenceInput.parse(input);

    const request = await submitProofOfResidence(actor, parsed, { requestId: context.requestId });

    revalidatePath(`/m/${tenantSlug}/verify`);
    revalidatePath("/dashboard/verifications");
    return request;
  });
}

/** State of the review page's decision form between submissions. */
export type DecideVerificationState = ActionResult<{ status: "verified" | "rejected" }> | null;

/** Records the approve or reject decision submitted from the review page. */
export async function decideVerificationAction(_previous: DecideVerificationState, formData: FormData): Promise<DecideVerificationState> {
  return runAction("decideVerification", async (context) => {
    const actor = await requireActor({ roles: REVIEW_ROLES });
    context.setTenant(actor.tenantId);
    const fields: Record<string, string> = {};
    for (const name of REVIEWED_FIELD_NAMES) {
      const value = formData.get(name);
      if (typeof value === "string") fields[name] = value;
    }
    const input = DecideVerificationInput.parse({
      id: formData.get("id"),
      decision: formData.get("decision"),
      reason: formData.get("reason") ?? undefined,
      fields,
    });

    const result = await decideVerification(actor, input, { requestId: context.requestId });

    revalidatePath(`/dashboard/verifications/${input.id}`);
    revalidatePath("/dashboard/verifications");
    return result;
  });
}
