import twilio from "twilio";
import type { WhatsAppParams } from "@/db/schema";
import { toSignatureParams } from "./form-body";

/** Header Twilio signs webhook requests in: base64 HMAC-SHA1 of URL and sorted parameters, keyed with the auth token. */
export const SIGNATURE_HEADER = "x-twilio-signature";

/**
 * Rebuilds the URL Twilio signed: the configured public origin with the path and query of the
 * request as it arrived. Behind a TLS-terminating proxy the request URL is something like
 * http://10.0.0.5:3000, which is not what Twilio was configured with.
 */
export function signedWebhookUrl(publicBaseUrl: string, requestUrl: string): string {
  const { pathname, search } = new URL(requestUrl);
  return `${publicBaseUrl.replace(/\/+$/, "")}${pathname}${search}`;
}

/**
 * Checks an X-Twilio-Signature against the URL and every form parameter received. The twilio
 * package (6.3) also tries the URL with and without the default port. For a query such as
 * `?name=o'neill` it tries both the escaped and the unescaped form, which matters because Next.js
 * hands route handlers the query with `'` escaped as `%27` while Twilio signs the configured text.
 */
export function isValidTwilioSignature(input: { authToken: string; signature: string | null; url: string; params: WhatsAppParams }): boolean {
  if (!input.signature) return false;
  return twilio.validateRequest(input.authToken, input.signature, input.url, toSignatureParams(input.params));
}

/** Computes the signature Twilio would send; for tests, fakes and the benchmark. */
export function signTwilioRequest(authToken: string, url: string, params: WhatsAppParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, toSignatureParams(params));
}
