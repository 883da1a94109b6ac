"use server";

import { z } from "zod";
import { runAction, type ActionResult } from "@/lib/actions";
import { issueSignInCode } from "@/lib/auth/issue-sign-in-code";
import { getRequestLocale } from "@/lib/i18n/locale";
import { formatPhoneNumber } from "@/lib/phone";
import { getTenantBySlugOrThrow } from "@/lib/tenants/get-tenant";

const RequestSignInCodeInput = z.object({
  tenantSlug: z.string().max(63, "must be at most 63 characters"),
  phone: z.string().max(64, "must be at most 64 characters"),
});

/** Sends a one-time sign-in code to the resident's phone; returns the number it went to. */
export async function requestSignInCode(
  tenantSlug: string,
  input: { phone: string },
): Promise<ActionResult<{ phone: string; displayPhone: string }>> {
  return runAction("requestSignInCode", async (context) => {
    const parsed = RequestSignInCodeInput.parse({ tenantSlug, phone: input?.phone });
    const tenant = await getTenantBySlugOrThrow(parsed.tenantSlug);
    context.setTenant(tenant.id);
    const locale = await getRequestLocale();

    const issued = await issueSignInCode({ tenant, phone: parsed.phone, locale }, { log: context.log });
    return { phone: issued.phone, displayPhone: formatPhoneNumber(issued.phone) };
  });
}
