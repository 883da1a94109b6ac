"use server";

import { runAction, type ActionResult } from "@/lib/actions";
import { requireActor } from "@/lib/auth/session";
import { isLocale, type Locale } from "@/lib/i18n";
import { getRequestLocale } from "@/lib/i18n/locale";
import type { PhotoLocation } from "@/lib/media/photo-location";
import { sharePhotoLocation } from "@/lib/media/share-photo-location";

/**
 * Records the GPS position of the resident's own uploaded photo, after the resident chose to use it
 * as the report's location. Returns the position the server read, or null when the photo has none.
 */
export async function sharePhotoLocationAction(fileId: string, locale?: Locale): Promise<ActionResult<PhotoLocation | null>> {
  return runAction("sharePhotoLocation", async (context) => {
    const actor = await requireActor({ roles: ["resident"] });
    context.setTenant(actor.tenantId);
    return sharePhotoLocation(actor, fileId, { requestId: context.requestId, locale: isLocale(locale) ? locale : await getRequestLocale() });
  });
}
