import { withRoute } from "@/lib/http";
import { handleWhatsAppWebhook } from "@/lib/whatsapp/handle-webhook";

export const dynamic = "force-dynamic";

/**
 * Twilio's inbound WhatsApp message webhook. Authenticated by X-Twilio-Signature, not by a session:
 * proxy.ts matches only /dashboard, so no sign-in redirect or cookie ever reaches this route.
 */
export const POST = withRoute<Record<string, never>>("whatsapp.webhook", (request, context) => handleWhatsAppWebhook(request, context));
