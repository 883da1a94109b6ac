import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseFormBody } from "./form-body";
import { isValidTwilioSignature, signedWebhookUrl, signTwilioRequest } from "./twilio-signature";

interface Fixture {
  name: string;
  url: string;
  auth_token: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body: string;
  expected: { signature_valid: boolean };
}

const FIXTURE_DIR = path.resolve(__dirname, "../../test/fixtures/twilio");
const fixtures: Fixture[] = fs
  .readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as Fixture);

const TOKEN = "test-auth-token-0000000000000000";
const PUBLIC_BASE_URL = "https://example.municipality.test";

describe("isValidTwilioSignature fixtures", () => {
  it("has all ten fixtures", () => {
    expect(fixtures.length).toBe(10);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name} is ${fixture.expected.signature_valid ? "valid" : "rejected"}`, () => {
      const params = parseFormBody(fixture.body);
      expect(Object.fromEntries(params)).toEqual(fixture.params);
      const url = signedWebhookUrl(PUBLIC_BASE_URL, "http://10.0.0.5:3000/api/whatsapp/webhook");
      expect(url).toBe(fixture.url);
      const valid = isValidTwilioSignature({ authToken: TOKEN, signature: fixture.headers["X-Twilio-Signature"]!, url, params });
      expect(valid).toBe(fixture.expected.signature_valid);
    });
  }
});

describe("isValidTwilioSignature rejections", () => {
  const fixture = fixtures.find((candidate) => candidate.name === "01-text-plain")!;
  const signature = fixture.headers["X-Twilio-Signature"]!;
  const params = parseFormBody(fixture.body);

  it("rejects one changed parameter", () => {
    const changed = params.map(([name, value]): [string, string] => [name, name === "Body" ? `${value}!` : value]);
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url: fixture.url, params: changed })).toBe(false);
  });

  it("rejects an added parameter", () => {
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url: fixture.url, params: [...params, ["Extra", "1"]] })).toBe(false);
  });

  it("rejects a signature for another URL", () => {
    const other = signTwilioRequest(TOKEN, "https://attacker.example/api/whatsapp/webhook", params);
    expect(isValidTwilioSignature({ authToken: TOKEN, signature: other, url: fixture.url, params })).toBe(false);
  });

  it("rejects a missing signature", () => {
    expect(isValidTwilioSignature({ authToken: TOKEN, signature: null, url: fixture.url, params })).toBe(false);
    expect(isValidTwilioSignature({ authToken: TOKEN, signature: "", url: fixture.url, params })).toBe(false);
  });

  it("rejects another auth token", () => {
    expect(isValidTwilioSignature({ authToken: "another-token", signature, url: fixture.url, params })).toBe(false);
  });
});

describe("signedWebhookUrl", () => {
  it("uses the public origin, not the proxied one", () => {
    expect(signedWebhookUrl("https://bika.example.org/", "http://10.0.0.5:3000/api/whatsapp/webhook?x=1")).toBe(
      "https://bika.example.org/api/whatsapp/webhook?x=1",
    );
  });

  it("validates a proxied request signed for the public URL", () => {
    const params = parseFormBody("Body=hello&From=whatsapp%3A%2B27825550101");
    const signature = signTwilioRequest(TOKEN, "https://bika.example.org/api/whatsapp/webhook", params);
    const url = signedWebhookUrl("https://bika.example.org", "http://10.0.0.5:3000/api/whatsapp/webhook");
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params })).toBe(true);
    // Checked against the URL the proxy forwarded, the same request fails.
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url: "http://10.0.0.5:3000/api/whatsapp/webhook", params })).toBe(false);
  });

  it("validates a configured query with an apostrophe", () => {
    const configured = "https://bika.example.org/api/whatsapp/webhook?ward=o'kiep";
    const params = parseFormBody("Body=hello&From=whatsapp%3A%2B27825550101");
    const signature = signTwilioRequest(TOKEN, configured, params);
    // Next.js hands the route the query with the apostrophe escaped.
    const seen = new URL("http://10.0.0.5:3000/api/whatsapp/webhook?ward=o'kiep").toString();
    expect(seen).toContain("o%27kiep");
    const url = signedWebhookUrl("https://bika.example.org", seen);
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params })).toBe(true);
    const tampered = parseFormBody("Body=hello!&From=whatsapp%3A%2B27825550101");
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params: tampered })).toBe(false);
  });

  it("validates repeated parameters and plus signs", () => {
    const body = "Tag=b&Tag=a&Body=1+%2B+1&From=whatsapp%3A%2B27825550101";
    const params = parseFormBody(body);
    const signature = signTwilioRequest(TOKEN, "https://bika.example.org/api/whatsapp/webhook", params);
    const url = "https://bika.example.org/api/whatsapp/webhook";
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params })).toBe(true);
    // A parser that kept only the last Tag, or read "+" literally, would sign different values.
    const lastOnly = Object.entries(Object.fromEntries(params));
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params: lastOnly })).toBe(false);
    const literalPlus = params.map(([name, value]): [string, string] => [name, value.replaceAll(" ", "+")]);
    expect(isValidTwilioSignature({ authToken: TOKEN, signature, url, params: literalPlus })).toBe(false);
  });
});
