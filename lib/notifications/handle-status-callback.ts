import { z } from "zod";
import type { Database } from "@/db/client";
import { env } from "@/lib/env";
import type { RouteContext } from "@/lib/http";
import { parsePhoneNumber } from "@/lib/phone";
import { MAX_FORM_BODY_BYTES, parseFormBody } from "@/lib/whatsapp/form-body";
import { resolveWhatsAppTenant } from "@/lib/whatsapp/resolve-tenant";
import { twimlResponse } from "@/lib/whatsapp/twiml";
import { isValidTwilioSignature, SIGNATURE_HEADER, signedWebhookUrl } from "@/lib/whatsapp/twilio-signature";
import { recordDeliveryStatus } from "./record-delivery-status";

const Callback = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "MessageSid must be SM or MM followed by 32 hexadecimal digits"),
  MessageStatus: z.string().regex(/^[a-z_]{2,30}$/, "MessageStatus must be a lower-case status word"),
  /** The municipality's sender, "whatsapp:+27..." */
  From: z.string().optional(),
  MessagingServiceSid: z.string().optional(),
  ErrorCode: z.string().regex(/^\d{1,8}$/).optional(),
  ErrorMessage: z.string().max(1000).optional(),
});

/**
 * Handles Twilio's delivery-status callback for notifications: checks the signature against the
 * public URL like the inbound webhook, finds the municipality from the sender (`From`) or its
 * Messaging Service, and records the status and any error code. Responds 200 with an empty TwiML
 * body once accepted, so Twilio does not retry. It never sets a cookie or redirects.
 */
export async function handleStatusCallback(request: Request, context: RouteContext, db?: Database): Promise<Response> {
  const settings = env().twilio;
  if (!settings) {
    context.log.error("status callback called but TWILIO_AUTH_TOKEN is not set, so its signature cannot be checked");
    return twimlResponse([], 503);
  }
  const rawBody = await request.text();
  if (Buffer.byteLength(rawBody) > MAX_FORM_BODY_BYTES) return twimlResponse([], 413);
  const params = parseFormBody(rawBody);

  const url = signedWebhookUrl(settings.webhookBaseUrl, request.url);
  if (!isValidTwilioSignature({ authToken: settings.authToken, signature: request.headers.get(SIGNATURE_HEADER), url, params })) {
    context.log.warn({ url }, "status callback rejected: X-Twilio-Signature is missing or does not match");
    return twimlResponse([], 403);
  }

  const parsed = Callback.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    context.log.warn({ problems: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) }, "status callback rejected: malformed");
    return twimlResponse([], 400);
  }
  const callback = parsed.data;
  const sender = callback.From?.startsWith("whatsapp:") ? parsePhoneNumber(callback.From.slice("whatsapp:".length)) : null;
  const tenant = await resolveWhatsAppTenant({ number: sender, messagingServiceSid: callback.MessagingServiceSid ?? null }, db);
  if (!tenant) {
    context.log.warn({ messageSid: callback.MessageSid }, "status callback rejected: no municipality sends from this number or Messaging Service");
    return twimlResponse([], 404);
  }
  context.setTenant(tenant.id);

  const outcome = await recordDeliveryStatus(
    tenant.id,
    {
      messageSid: callback.MessageSid,
      messageStatus: callback.MessageStatus,
      errorCode: callback.ErrorCode ?? null,
      errorMessage: callback.ErrorMessage ?? null,
    },
    { db },
  );
  context.log.info({ messageSid: callback.MessageSid, messageStatus: callback.MessageStatus, errorCode: callback.ErrorCode ?? null, outcome }, "delivery status received");
  return twimlResponse([]);
}
