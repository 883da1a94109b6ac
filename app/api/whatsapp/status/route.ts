import { withRoute } from "@/lib/http";
import { handleStatusCallback } from "@/lib/notifications/handle-status-callback";

export const dynamic = "force-dynamic";

/**
 * Twilio's delivery-status callback for notifications. Authenticated by X-Twilio-Signature, not by
 * a session: proxy.ts matches only /dashboard, so no sign-in redirect or cookie ever reaches it.
 */
export const POST = withRoute<Record<string, never>>("whatsapp.status", (request, context) => handleStatusCallback(request, context));
