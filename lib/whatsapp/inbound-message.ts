import { z } from "zod";
import type { WhatsAppParams } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { parsePhoneNumber } from "@/lib/phone";

// The fields of Twilio's inbound-message webhook that the WhatsApp channel uses. Twilio adds
// parameters without notice, so unknown ones are kept in the stored parameters and ignored here.

/** Most media items one Twilio message carries. */
export const MAX_MEDIA_PER_MESSAGE = 10;

export interface InboundMedia {
  /** MediaUrl{n} / MediaContentType{n} index. */
  index: number;
  url: string;
  /** Content type Twilio reported, lower-cased; the stored bytes are checked again. */
  contentType: string;
}

export interface InboundLocation {
  /** WGS-84 decimal degrees. */
  latitude: number;
  longitude: number;
  address: string | null;
  label: string | null;
}

export interface InboundMessage {
  messageSid: string;
  accountSid: string | null;
  /** The resident's number in E.164. */
  from: string;
  /** The municipality's number in E.164, or null when Twilio sent none. */
  to: string | null;
  messagingServiceSid: string | null;
  profileName: string | null;
  /** Twilio's MessageType (text, image, audio, location, button, ...), or null for older requests. */
  messageType: string | null;
  /** Body as sent; empty for a media or location message without a caption. */
  text: string;
  media: InboundMedia[];
  location: InboundLocation | null;
  button: { text: string; payload: string | null; repliedToMessageSid: string | null } | null;
}

const Sid = (prefixes: string, what: string) =>
  z.string().regex(new RegExp(`^(${prefixes})[0-9a-fA-F]{32}$`), `${what} must be ${prefixes.replaceAll("|", " or ")} followed by 32 hexadecimal digits`);

const WhatsAppAddress = (what: string) =>
  z
    .string({ message: `${what} is missing` })
    .transform((value, ctx) => {
      if (!value.startsWith("whatsapp:")) {
        ctx.addIssue({ code: "custom", message: `${what} must start with "whatsapp:"; this webhook only takes WhatsApp messages` });
        return z.NEVER;
      }
      const phone = parsePhoneNumber(value.slice("whatsapp:".length));
      if (phone === null) {
        ctx.addIssue({ code: "custom", message: `${what} is not a phone number in E.164 form` });
        return z.NEVER;
      }
      return phone;
    });

const Coordinate = (min: number, max: number) =>
  z.string().trim().regex(/^-?\d{1,3}(\.\d+)?$/, "must be a decimal number").transform(Number).pipe(z.number().min(min).max(max));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? null : value.trim()));

const Fields = z.object({
  MessageSid: Sid("SM|MM", "MessageSid"),
  AccountSid: Sid("AC", "AccountSid").optional(),
  From: WhatsAppAddress("From"),
  To: WhatsAppAddress("To").optional(),
  MessagingServiceSid: Sid("MG", "MessagingServiceSid").optional(),
  ProfileName: optionalText,
  MessageType: optionalText,
  Body: z.string().default(""),
  NumMedia: z.coerce
    .number({ message: "NumMedia must be a number" })
    .int("NumMedia must be a whole number")
    .min(0, `NumMedia must be between 0 and ${MAX_MEDIA_PER_MESSAGE}`)
    .max(MAX_MEDIA_PER_MESSAGE, `NumMedia must be between 0 and ${MAX_MEDIA_PER_MESSAGE}`)
    .default(0),
  Latitude: Coordinate(-90, 90).optional(),
  Longitude: Coordinate(-180, 180).optional(),
  Address: optionalText,
  Label: optionalText,
  ButtonText: optionalText,
  ButtonPayload: optionalText,
  OriginalRepliedMessageSid: optionalText,
});

/**
 * Reads an inbound message from the webhook's parameters (first value of each name), or throws
 * AppError invalid_input naming each bad field.
 */
export function parseInboundMessage(params: WhatsAppParams): InboundMessage {
  const first = new Map<string, string>();
  for (const [name, value] of params) if (!first.has(name)) first.set(name, value);
  const fields = Object.fromEntries(first);

  const parsed = Fields.safeParse(fields);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "request"}: ${issue.message}`);
    throw new AppError("invalid_input", `The webhook request is not a valid Twilio WhatsApp message. ${problems.join("; ")}.`);
  }
  const data = parsed.data;

  const media: InboundMedia[] = [];
  for (let index = 0; index < data.NumMedia; index += 1) {
    const url = first.get(`MediaUrl${index}`);
    if (!url || !URL.canParse(url)) {
      throw new AppError("invalid_input", `The webhook request has NumMedia=${data.NumMedia}, but MediaUrl${index} is missing or not a URL.`);
    }
    media.push({ index, url, contentType: (first.get(`MediaContentType${index}`) ?? "").trim().toLowerCase() });
  }

  const hasLatitude = data.Latitude !== undefined;
  if (hasLatitude !== (data.Longitude !== undefined)) {
    throw new AppError("invalid_input", "The webhook request has only one of Latitude and Longitude; a location needs both.");
  }

  return {
    messageSid: data.MessageSid,
    accountSid: data.AccountSid ?? null,
    from: data.From,
    to: data.To ?? null,
    messagingServiceSid: data.MessagingServiceSid ?? null,
    profileName: data.ProfileName,
    messageType: data.MessageType,
    text: data.Body,
    media,
    location:
      data.Latitude !== undefined && data.Longitude !== undefined
        ? { latitude: data.Latitude, longitude: data.Longitude, address: data.Address, label: data.Label }
        : null,
    button: data.ButtonText
      ? { text: data.ButtonText, payload: data.ButtonPayload, repliedToMessageSid: data.OriginalRepliedMessageSid }
      : null,
  };
}

// Parameters whose values carry what the resident wrote, where they are, or their files.
const CONFIDENTIAL_PARAM = /^(Body|Latitude|Longitude|Address|Label|ButtonText|ButtonPayload|MediaUrl\d+)$/;

/** Placeholder stored in place of a confidential parameter's value. */
export const CONFIDENTIAL_PLACEHOLDER = "[confidential]";

/** Returns the parameters with every confidential value replaced, for storing a confidential conversation's message. */
export function redactConfidentialParams(params: WhatsAppParams): WhatsAppParams {
  return params.map(([name, value]) => [name, CONFIDENTIAL_PARAM.test(name) && value !== "" ? CONFIDENTIAL_PLACEHOLDER : value]);
}
