"use server";

import { runAction, type ActionResult } from "@/lib/actions";
import { requireActor } from "@/lib/auth/session";
import { isLocale, type Locale } from "@/lib/i18n";
import { getRequestLocale } from "@/lib/i18n/locale";
import { confirmUpload, type ConfirmedUpload } from "@/lib/uploads/confirm-upload";
import { createUploadIntent, type UploadIntent, type UploadIntentInput } from "@/lib/uploads/create-upload-intent";

// The uploader passes the page's language; anything else falls back to the resident's cookie choice.
async function chooseLocale(given: unknown): Promise<Locale> {
  return isLocale(given) ? given : getRequestLocale();
}

/** Issues a presigned POST for one file the resident is about to upload. */
export async function requestUploadIntent(input: UploadIntentInput, locale?: Locale): Promise<ActionResult<UploadIntent>> {
  return runAction("requestUploadIntent", async (context) => {
    const actor = await requireActor({ roles: ["resident"] });
    context.setTenant(actor.tenantId);
    return createUploadIntent(actor, input, { requestId: context.requestId, locale: await chooseLocale(locale) });
  });
}

/** Checks the file the browser posted to storage and marks it uploaded, or explains why not. */
export async function confirmUploadAction(fileId: string, locale?: Locale): Promise<ActionResult<ConfirmedUpload>> {
  return runAction("confirmUpload", async (context) => {
    const actor = await requireActor({ roles: ["resident"] });
    context.setTenant(actor.tenantId);
    return confirmUpload(actor, fileId, { requestId: context.requestId, locale: await chooseLocale(locale) });
  });
}
