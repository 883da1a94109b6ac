import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv auth URL", () => {
  it("is null without NEXTAUTH_URL or PUBLIC_BASE_URL", () => {
    expect(parseEnv({ PORT: "3101" }).authUrl).toBeNull();
  });

  it("falls back to PUBLIC_BASE_URL", () => {
    expect(parseEnv({ PUBLIC_BASE_URL: "https://bika.example.org/" }).authUrl).toBe("https://bika.example.org");
  });

  it("prefers NEXTAUTH_URL", () => {
    const parsed = parseEnv({ PUBLIC_BASE_URL: "https://bika.example.org", NEXTAUTH_URL: "http://127.0.0.1:3210" });
    expect(parsed.authUrl).toBe("http://127.0.0.1:3210");
  });

  it("rejects a relative NEXTAUTH_URL", () => {
    expect(() => parseEnv({ NEXTAUTH_URL: "/api/auth" })).toThrow(EnvError);
  });
});

describe("parseEnv DEV_OUTBOX", () => {
  it("is off by default", () => {
    expect(parseEnv({}).devOutbox).toBe(false);
  });

  it("is on with true", () => {
    expect(parseEnv({ DEV_OUTBOX: "true" }).devOutbox).toBe(true);
  });

  it("rejects other values", () => {
    expect(() => parseEnv({ DEV_OUTBOX: "yes" })).toThrow(/DEV_OUTBOX must be "true" or "false" \(got "yes"\)/);
  });
});

describe("parseEnv OCR_POOL_SIZE", () => {
  it("defaults to one worker", () => {
    expect(parseEnv({}).ocrPoolSize).toBe(1);
  });

  it("reads a size", () => {
    expect(parseEnv({ OCR_POOL_SIZE: "4" }).ocrPoolSize).toBe(4);
  });

  it("rejects sizes out of range", () => {
    expect(() => parseEnv({ OCR_POOL_SIZE: "0" })).toThrow(/OCR_POOL_SIZE must be at least 1/);
    expect(() => parseEnv({ OCR_POOL_SIZE: "9" })).toThrow(/OCR_POOL_SIZE must be at most 8/);
    expect(() => parseEnv({ OCR_POOL_SIZE: "two" })).toThrow(/OCR_POOL_SIZE must be a whole number/);
  });
});

describe("parseEnv TWILIO_SMS_FROM", () => {
  const twilio = { TWILIO_ACCOUNT_SID: `AC${"0".repeat(32)}`, TWILIO_AUTH_TOKEN: "token" };

  it("is null by default", () => {
    expect(parseEnv(twilio).twilio?.smsFrom).toBeNull();
  });

  it("reads a number or a Messaging Service", () => {
    expect(parseEnv({ ...twilio, TWILIO_SMS_FROM: "+27105550199" }).twilio?.smsFrom).toBe("+27105550199");
    expect(parseEnv({ ...twilio, TWILIO_SMS_FROM: `MG${"f".repeat(32)}` }).twilio?.smsFrom).toBe(`MG${"f".repeat(32)}`);
  });

  it("rejects a local number", () => {
    expect(() => parseEnv({ ...twilio, TWILIO_SMS_FROM: "010 555 0199" })).toThrow(/TWILIO_SMS_FROM must be an SMS-capable number in E\.164 form/);
  });

  it("requires the account SID", () => {
    expect(() => parseEnv({ TWILIO_AUTH_TOKEN: "token", TWILIO_SMS_FROM: "+27105550199" })).toThrow(/TWILIO_ACCOUNT_SID is required when TWILIO_SMS_FROM is set/);
  });
});

describe("parseEnv TWILIO_WEBHOOK_BASE_URL", () => {
  it("defaults to PUBLIC_BASE_URL", () => {
    expect(parseEnv({ TWILIO_AUTH_TOKEN: "token", PUBLIC_BASE_URL: "https://bika.example.org/" }).twilio?.webhookBaseUrl).toBe("https://bika.example.org");
  });

  it("reads its own origin", () => {
    const parsed = parseEnv({ TWILIO_AUTH_TOKEN: "token", PUBLIC_BASE_URL: "http://127.0.0.1:3000", TWILIO_WEBHOOK_BASE_URL: "https://bika.example.org" });
    expect(parsed.twilio?.webhookBaseUrl).toBe("https://bika.example.org");
  });

  it("rejects a relative URL", () => {
    expect(() => parseEnv({ TWILIO_AUTH_TOKEN: "token", TWILIO_WEBHOOK_BASE_URL: "/api" })).toThrow(/TWILIO_WEBHOOK_BASE_URL must be an absolute URL/);
  });
});
