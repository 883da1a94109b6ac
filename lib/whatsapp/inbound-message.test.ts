import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parseFormBody } from "./form-body";
import { CONFIDENTIAL_PLACEHOLDER, parseInboundMessage, redactConfidentialParams } from "./inbound-message";

interface ExpectedMessage {
  signature_valid: boolean;
  dedupe_key?: string;
  sender?: { phone_e164: string; wa_id: string; profile_name: string };
  message_type?: string;
  text?: string;
  media?: { index: number; url: string; content_type: string }[];
  location?: { latitude: number; longitude: number; address: string | null; label: string | null } | null;
  button?: { text: string; payload: string; replied_to_message_sid: string } | null;
}

const FIXTURE_DIR = path.resolve(__dirname, "../../test/fixtures/twilio");
const fixtures = fs
  .readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as { name: string; body: string; expected: ExpectedMessage });

describe("parseInboundMessage fixtures", () => {
  for (const fixture of fixtures.filter((candidate) => candidate.expected.signature_valid)) {
    it(`${fixture.name} matches its expected fields`, () => {
      const message = parseInboundMessage(parseFormBody(fixture.body));
      const expected = fixture.expected;
      expect(message.messageSid).toBe(expected.dedupe_key);
      expect(message.from).toBe(expected.sender!.phone_e164);
      expect(message.profileName).toBe(expected.sender!.profile_name);
      expect(message.to).toBe("+27105550100");
      expect(message.messageType).toBe(expected.message_type);
      expect(message.text).toBe(expected.text);
      expect(message.media).toEqual((expected.media ?? []).map((item) => ({ index: item.index, url: item.url, contentType: item.content_type })));
      expect(message.location).toEqual(expected.location ?? null);
      expect(message.button).toEqual(
        expected.button ? { text: expected.button.text, payload: expected.button.payload, repliedToMessageSid: expected.button.replied_to_message_sid } : null,
      );
    });
  }
});

describe("parseInboundMessage rejections", () => {
  const base = "MessageSid=SM71cee89beeac9e647909f4f49157716b&From=whatsapp%3A%2B27825550101&To=whatsapp%3A%2B27105550100&Body=hi";

  it("accepts the minimal message", () => {
    expect(parseInboundMessage(parseFormBody(base)).text).toBe("hi");
  });

  it("rejects an SMS sender", () => {
    expect(() => parseInboundMessage(parseFormBody(base.replace("whatsapp%3A%2B27825550101", "%2B27825550101")))).toThrow(/From must start with "whatsapp:"/);
  });

  it("rejects a missing MessageSid", () => {
    expect(() => parseInboundMessage(parseFormBody(base.replace("MessageSid=SM71cee89beeac9e647909f4f49157716b&", "")))).toThrow(AppError);
  });

  it("rejects NumMedia without its MediaUrl", () => {
    expect(() => parseInboundMessage(parseFormBody(`${base}&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm`))).toThrow(/MediaUrl1 is missing/);
  });

  it("rejects half a location", () => {
    expect(() => parseInboundMessage(parseFormBody(`${base}&Latitude=-26.2`))).toThrow(/Latitude and Longitude/);
  });

  it("rejects a latitude out of range", () => {
    expect(() => parseInboundMessage(parseFormBody(`${base}&Latitude=-96.2&Longitude=28`))).toThrow(AppError);
  });
});

describe("redactConfidentialParams", () => {
  it("replaces what the resident wrote and keeps the rest", () => {
    const redacted = redactConfidentialParams(
      parseFormBody("MessageSid=SM1&Body=he+hit+me&Latitude=-26.1&Longitude=28.0&Address=12+Main&MediaUrl0=https%3A%2F%2Fx&NumMedia=1"),
    );
    expect(redacted).toEqual([
      ["MessageSid", "SM1"],
      ["Body", CONFIDENTIAL_PLACEHOLDER],
      ["Latitude", CONFIDENTIAL_PLACEHOLDER],
      ["Longitude", CONFIDENTIAL_PLACEHOLDER],
      ["Address", CONFIDENTIAL_PLACEHOLDER],
      ["MediaUrl0", CONFIDENTIAL_PLACEHOLDER],
      ["NumMedia", "1"],
    ]);
  });
});
