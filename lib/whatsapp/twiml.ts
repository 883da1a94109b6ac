import twilio from "twilio";

const TWIML_HEADERS = {
  "Content-Type": "text/xml; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

/**
 * Returns a TwiML response that sends each text as its own WhatsApp message, in order. No texts
 * gives an empty <Response/>, which acknowledges the webhook without replying.
 */
export function twimlResponse(messages: readonly string[], status = 200): Response {
  const response = new twilio.twiml.MessagingResponse();
  for (const text of messages) response.message(text);
  return new Response(response.toString(), { status, headers: TWIML_HEADERS });
}
