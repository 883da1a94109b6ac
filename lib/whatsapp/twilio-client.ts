import twilio from "twilio";
import type { TwilioSettings } from "@/lib/env";
import { log } from "@/lib/log";

// The one Twilio REST client of the process, built from env().twilio. Failures are logged here and
// surface as TwilioSendError, whose `retryable` flag marks those a later attempt may get past.

const TWILIO_API_ORIGIN = "https://api.twilio.com";

/** REST requests give up after this long, in milliseconds; a job retries later. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * A RequestClient that sends every request for api.twilio.com to another origin instead. The
 * twilio package (6.3) builds request URLs from a fixed "https://api.twilio.com" per domain. Its
 * `region` and `edge` options only insert labels into that host name, so a custom http client is
 * the supported way to reach a fake API on 127.0.0.1.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly apiBaseUrl: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(options: Parameters<typeof twilio.RequestClient.prototype.request<TData>>[0]) {
    const uri = options.uri.startsWith(TWILIO_API_ORIGIN) ? this.apiBaseUrl + options.uri.slice(TWILIO_API_ORIGIN.length) : options.uri;
    return super.request<TData>({ ...options, uri });
  }
}

export class TwilioSendError extends Error {
  constructor(
    message: string,
    /** Twilio's error code (such as 21211 for an invalid number), when the API returned one. */
    readonly code: string | null,
    /** HTTP status of the API's response, or null when none came. */
    readonly status: number | null,
    /** True for network failures, time-outs, 429 and 5xx, which a later attempt may get past. */
    readonly retryable: boolean,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = "TwilioSendError";
  }
}

export interface OutboundWhatsAppMessage {
  /** The municipality's number in E.164; used as `whatsapp:` From unless a Messaging Service sends. */
  from: string | null;
  messagingServiceSid: string | null;
  /** The resident's number in E.164. */
  to: string;
  body?: string;
  contentSid?: string;
  contentVariables?: Record<string, string>;
  statusCallback?: string;
}

export interface SentWhatsAppMessage {
  sid: string;
  /** Twilio's status word, usually "queued" or "accepted". */
  status: string;
}

let cached: { key: string; client: twilio.Twilio } | undefined;

function clientFor(settings: TwilioSettings & { accountSid: string }): twilio.Twilio {
  const key = `${settings.accountSid}|${settings.apiBaseUrl}|${settings.authToken}`;
  if (cached?.key !== key) {
    const options = { timeout: REQUEST_TIMEOUT_MS, keepAlive: true };
    const httpClient = settings.apiBaseUrl === TWILIO_API_ORIGIN ? undefined : new RebasedRequestClient(settings.apiBaseUrl, options);
    cached = { key, client: twilio(settings.accountSid, settings.authToken, { ...options, httpClient }) };
  }
  return cached.client;
}

/** Sends a WhatsApp message through the Messages API. Throws TwilioSendError. */
export async function sendWhatsAppThroughTwilio(settings: TwilioSettings & { accountSid: string }, message: OutboundWhatsAppMessage): Promise<SentWhatsAppMessage> {
  if (message.from === null && message.messagingServiceSid === null) {
    throw new TwilioSendError("The municipality has neither a WhatsApp number nor a Messaging Service SID to send from.", null, null, false);
  }
  try {
    const sent = await clientFor(settings).messages.create({
      to: `whatsapp:${message.to}`,
      ...(message.from !== null ? { from: `whatsapp:${message.from}` } : {}),
      ...(message.messagingServiceSid !== null ? { messagingServiceSid: message.messagingServiceSid } : {}),
      ...(message.body !== undefined ? { body: message.body } : {}),
      ...(message.contentSid !== undefined ? { contentSid: message.contentSid } : {}),
      ...(message.contentVariables !== undefined ? { contentVariables: JSON.stringify(message.contentVariables) } : {}),
      ...(message.statusCallback !== undefined ? { statusCallback: message.statusCallback } : {}),
    });
    return { sid: sent.sid, status: sent.status };
  } catch (error) {
    throw toSendError(error);
  }
}

/**
 * Sends an SMS through the Messages API, from `from` (a number or, when it starts with MG, a
 * Messaging Service). Throws TwilioSendError.
 */
export async function sendSmsThroughTwilio(
  settings: TwilioSettings & { accountSid: string },
  message: { from: string; to: string; body: string },
): Promise<SentWhatsAppMessage> {
  const sender = message.from.startsWith("MG") ? { messagingServiceSid: message.from } : { from: message.from };
  try {
    const sent = await clientFor(settings).messages.create({ to: message.to, ...sender, body: message.body });
    return { sid: sent.sid, status: sent.status };
  } catch (error) {
    throw toSendError(error);
  }
}

function toSendError(error: unknown): TwilioSendError {
  const status = typeof (error as { status?: unknown })?.status === "number" ? (error as { status: number }).status : null;
  const rawCode = (error as { code?: unknown })?.code;
  const code = typeof rawCode === "number" || (typeof rawCode === "string" && /^\d+$/.test(rawCode)) ? String(rawCode) : null;
  const retryable = status === null || status === 429 || status >= 500;
  const detail = error instanceof Error ? error.message : String(error);
  log.warn({ err: error, status, twilioCode: code, retryable }, "Twilio Messages API request failed");
  const message =
    status === null
      ? `The Twilio Messages API could not be reached: ${detail}`
      : `The Twilio Messages API answered ${status}${code ? ` with error ${code}` : ""}: ${detail}`;
  return new TwilioSendError(message, code, status, retryable, { cause: error });
}
