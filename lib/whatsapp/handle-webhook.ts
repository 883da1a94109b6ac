import type { Database } from "@/db/client";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { RouteContext } from "@/lib/http";
import { maskPhoneNumber } from "@/lib/phone";
import { MAX_FORM_BODY_BYTES, parseFormBody } from "./form-body";
import { parseInboundMessage } from "./inbound-message";
import { receiveInboundMessage } from "./receive-inbound-message";
import { resolveWhatsAppTenant } from "./resolve-tenant";
import { twimlResponse } from "./twiml";
import { isValidTwilioSignature, SIGNATURE_HEADER, signedWebhookUrl } from "./twilio-signature";

/**
 * Handles Twilio's inbound-message webhook: reads the raw form body, checks the signature against
 * the public URL, resolves the municipality from `To` (or the Messaging Service), and stores the
 * message and replies to it. Every response is TwiML (text/xml); rejections carry an empty <Response/> with
 * the status: 403 for a bad signature, 404 for an unknown number, 400 for a malformed request,
 * 503 when Twilio is not configured, 500 when the message could not be stored. It never sets a
 * cookie or redirects.
 */
export async function handleWhatsAppWebhook(request: Request, context: RouteContext, db?: Database): Promise<Response> {
  const { log } = context;
  const settings = env().twilio;
  if (!settings) {
    log.error("WhatsApp webhook called but TWILIO_AUTH_TOKEN is not set, so its signature cannot be checked");
    return twimlResponse([], 503);
  }

  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    log.info({ contentType }, "whatsapp webhook rejected: body is not form-encoded");
    return twimlResponse([], 415);
  }
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > MAX_FORM_BODY_BYTES) {
    log.info({ contentLength: declaredLength }, "whatsapp webhook rejected: body too large");
    return twimlResponse([], 413);
  }
  const rawBody = await request.text();
  if (Buffer.byteLength(rawBody) > MAX_FORM_BODY_BYTES) {
    log.info({ bodyBytes: Buffer.byteLength(rawBody) }, "whatsapp webhook rejected: body too large");
    return twimlResponse([], 413);
  }
  const params = parseFormBody(rawBody);

  const url = signedWebhookUrl(settings.webhookBaseUrl, request.url);
  const signature = request.headers.get(SIGNATURE_HEADER);
  if (!isValidTwilioSignature({ authToken: settings.authToken, signature, url, params })) {
    log.warn({ url, signaturePresent: signature !== null }, "whatsapp webhook rejected: X-Twilio-Signature is missing or does not match");
    return twimlResponse([], 403);
  }

  let message;
  try {
    message = parseInboundMessage(params);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log.warn({ reason: error.message }, "whatsapp webhook rejected: malformed message");
    return twimlResponse([], 400);
  }

  const tenant = await resolveWhatsAppTenant({ number: message.to, messagingServiceSid: message.messagingServiceSid }, db);
  if (!tenant) {
    log.warn(
      { to: message.to === null ? null : maskPhoneNumber(message.to), messagingServiceSid: message.messagingServiceSid, messageSid: message.messageSid },
      "whatsapp webhook rejected: no municipality has this WhatsApp number or Messaging Service",
    );
    return twimlResponse([], 404);
  }
  context.setTenant(tenant.id);

  try {
    const outcome = await receiveInboundMessage({ tenant, message, params }, { requestId: context.requestId, log: context.log }, db);
    return twimlResponse(outcome.replies);
  } catch (error) {
    // Nothing was stored, so Twilio's retry of this request (if any) is processed as new.
    context.log.error({ err: error, messageSid: message.messageSid }, "whatsapp message could not be stored");
    return twimlResponse([], 500);
  }
}
