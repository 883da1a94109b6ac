import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { devOutbox } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { overrideEnv, withEnv } from "@/test/env";
import { startFakeTwilio, type FakeTwilio } from "@/test/fake-twilio";
import { issueSignInCode } from "./issue-sign-in-code";
import { hashSignInCode } from "./sign-in-code";
import { captureLog, insertTestTenant, listCodeRows, readCodeFromOutbox, uniquePhone, type TenantRow } from "./sign-in-test-helpers";

const MINUTE = 60_000;
const T0 = new Date("2026-03-02T08:00:00Z");

let database: TestDatabase;
let tshwane: TenantRow;
let joburg: TenantRow;

beforeAll(async () => {
  database = await createTestDatabase();
  tshwane = await insertTestTenant(database.db, "City of Tshwane");
  joburg = await insertTestTenant(database.db, "City of Johannesburg");
});

afterAll(async () => {
  await database?.drop();
});

function issue(tenant: TenantRow, phone: string, now: Date, locale: "en" | "zu" | "af" = "en") {
  return issueSignInCode({ tenant, phone, locale }, { db: database.db, now });
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError, but the call succeeded");
}

describe("issueSignInCode", () => {
  it("normalises the number", async () => {
    const local = `0${uniquePhone().slice(3)}`;
    const result = await issue(tshwane, local, T0);
    expect(result.phone).toBe(`+27${local.slice(1)}`);
  });

  it("stores only the HMAC of the code", async () => {
    const phone = uniquePhone();
    await issue(tshwane, phone, T0);
    const code = await readCodeFromOutbox(database.db, tshwane.id, phone);
    const [row] = await listCodeRows(database.db, tshwane.id, phone);

    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row!.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.codeHash).toBe(hashSignInCode({ tenantId: tshwane.id, phone, code }));
  });

  it("expires after ten minutes", async () => {
    const phone = uniquePhone();
    const result = await issue(tshwane, phone, T0);
    expect(result.expiresAt.getTime()).toBe(T0.getTime() + 10 * MINUTE);
    const [row] = await listCodeRows(database.db, tshwane.id, phone);
    expect(row!.expiresAt.getTime()).toBe(T0.getTime() + 10 * MINUTE);
    expect(row!.createdAt.getTime()).toBe(T0.getTime());
  });

  it("sends the code by SMS", async () => {
    const phone = uniquePhone();
    await issue(tshwane, phone, T0);
    const messages = await withSystem(
      (tx) => tx.select().from(devOutbox).where(and(eq(devOutbox.tenantId, tshwane.id), eq(devOutbox.recipient, phone))),
      database.db,
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.channel).toBe("sms");
    expect(messages[0]!.body).toMatch(/^Your Bika sign-in code for City of Tshwane is \d{6}\. It expires in 10 minutes\.$/);
  });

  it("sends the message in the resident's language", async () => {
    const phone = uniquePhone();
    await issue(tshwane, phone, T0, "af");
    const [message] = await withSystem(
      (tx) => tx.select().from(devOutbox).where(eq(devOutbox.recipient, phone)),
      database.db,
    );
    expect(message!.body).toMatch(/^Jou Bika-aantekenkode vir City of Tshwane is \d{6}\./);
  });

  it("rejects a malformed number", async () => {
    const error = await rejection(issue(tshwane, "082 555 012", T0));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("082 555 0123");
    expect(error.fieldErrors?.phone?.[0]).toContain("082 555 0123");
  });

  it("explains a malformed number in isiZulu", async () => {
    const error = await rejection(issue(tshwane, "not a number", T0, "zu"));
    expect(error.message).toContain("Faka inombolo yeselula");
  });

  it("allows three codes per fifteen minutes", async () => {
    const phone = uniquePhone();
    await issue(tshwane, phone, T0);
    await issue(tshwane, phone, new Date(T0.getTime() + 1 * MINUTE));
    await issue(tshwane, phone, new Date(T0.getTime() + 2 * MINUTE));

    const error = await rejection(issue(tshwane, phone, new Date(T0.getTime() + 3 * MINUTE)));
    expect(error.code).toBe("rate_limited");
    expect(error.message).toBe("Too many codes were sent to this number. Try again in 12 minutes.");
    expect(await listCodeRows(database.db, tshwane.id, phone)).toHaveLength(3);

    await expect(issue(tshwane, phone, new Date(T0.getTime() + 15 * MINUTE + 1000))).resolves.toBeDefined();
  });

  it("rate limit is per number", async () => {
    const phone = uniquePhone();
    for (let i = 0; i < 3; i++) await issue(tshwane, phone, new Date(T0.getTime() + i * 1000));
    await expect(issue(tshwane, phone, new Date(T0.getTime() + 5000))).rejects.toThrow(AppError);

    await expect(issue(tshwane, uniquePhone(), new Date(T0.getTime() + 5000))).resolves.toBeDefined();
    await expect(issue(joburg, phone, new Date(T0.getTime() + 5000))).resolves.toBeDefined();
  });

  it("allows ten codes per day", async () => {
    const phone = uniquePhone();
    // Twenty minutes apart, so the fifteen-minute limit never applies.
    for (let i = 0; i < 10; i++) await issue(tshwane, phone, new Date(T0.getTime() + i * 20 * MINUTE));

    const eleventh = new Date(T0.getTime() + 10 * 20 * MINUTE);
    const error = await rejection(issue(tshwane, phone, eleventh));
    expect(error.code).toBe("rate_limited");
    // The first code leaves the 24-hour window at T0 + 24h, 20h40m after the eleventh request.
    expect(error.message).toBe("Too many codes were sent to this number. Try again in 21 hours.");

    await expect(issue(tshwane, phone, new Date(T0.getTime() + 24 * 60 * MINUTE + 1000))).resolves.toBeDefined();
  });

  it("logs the code outside production", async () => {
    // NODE_ENV is "test" under vitest.
    const capture = captureLog();
    const phone = uniquePhone();
    await issueSignInCode({ tenant: tshwane, phone, locale: "en" }, { db: database.db, now: T0, log: capture.log });
    const code = await readCodeFromOutbox(database.db, tshwane.id, phone);

    const issuedLine = capture.lines().find((line) => line.includes("sign-in code sent to the development outbox"));
    expect(issuedLine).toBeDefined();
    expect(JSON.parse(issuedLine!).oneTimeCode).toBe(code);
    expect(capture.lines().join("\n")).not.toContain(phone);
  });

  it("logs the code in production with the outbox on", async () => {
    const production = { NODE_ENV: "production", APP_SECRET: "production-like-secret-for-this-test-only-0123", DEV_OUTBOX: "true" };
    await withEnv(production, async () => {
      const capture = captureLog();
      const phone = uniquePhone();
      await issueSignInCode({ tenant: tshwane, phone, locale: "en" }, { db: database.db, now: T0, log: capture.log });
      const code = await readCodeFromOutbox(database.db, tshwane.id, phone);

      const issuedLine = capture.lines().find((line) => line.includes("sign-in code sent to the development outbox"));
      expect(issuedLine).toBeDefined();
      expect(JSON.parse(issuedLine!).oneTimeCode).toBe(code);
    });
  });

  it("keeps the code out of production logs", async () => {
    await withEnv({ NODE_ENV: "production", APP_SECRET: "production-like-secret-for-this-test-only-0123" }, async () => {
      const capture = captureLog();
      const phone = uniquePhone();
      await issueSignInCode({ tenant: tshwane, phone, locale: "en" }, { db: database.db, now: T0, log: capture.log });
      const code = await readCodeFromOutbox(database.db, tshwane.id, phone);

      const issuedLine = capture.lines().find((line) => line.includes("sign-in code sent to the development outbox"));
      expect(issuedLine).toBeDefined();
      expect(JSON.parse(issuedLine!)).not.toHaveProperty("oneTimeCode");
      expect(capture.lines().join("\n")).not.toContain(code);
    });
  });

  describe("through Twilio", () => {
    const SMS_FROM = "+27105550199";
    let twilio: FakeTwilio;
    let restoreEnv = () => {};

    beforeAll(async () => {
      twilio = await startFakeTwilio();
      restoreEnv = overrideEnv({
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_API_BASE_URL: twilio.apiBaseUrl,
        TWILIO_SMS_FROM: SMS_FROM,
      });
    });

    afterAll(async () => {
      restoreEnv();
      await twilio?.close();
    });

    async function outboxRows(phone: string) {
      return withSystem((tx) => tx.select().from(devOutbox).where(eq(devOutbox.recipient, phone)), database.db);
    }

    it("sends the code by SMS from the configured number", async () => {
      const phone = uniquePhone();
      const capture = captureLog();
      await issueSignInCode({ tenant: tshwane, phone, locale: "af" }, { db: database.db, now: T0, log: capture.log });

      const sent = twilio.messages.filter((message) => message.to === phone);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.from).toBe(SMS_FROM);
      const code = /\d{6}/.exec(sent[0]!.body ?? "")?.[0];
      expect(sent[0]!.body).toMatch(/^Jou Bika-aantekenkode vir City of Tshwane is \d{6}\. Dit verval oor 10 minute\.$/);
      expect(code).toMatch(/^\d{6}$/);
      const [row] = await listCodeRows(database.db, tshwane.id, phone);
      expect(row!.codeHash).toBe(hashSignInCode({ tenantId: tshwane.id, phone, code: code! }));
      expect(await outboxRows(phone)).toEqual([]);
      expect(capture.lines().join("\n")).not.toContain(code!);
    });

    it("uses a Messaging Service as sender", async () => {
      await withEnv({ TWILIO_SMS_FROM: `MG${"a".repeat(32)}` }, async () => {
        const phone = uniquePhone();
        await issue(tshwane, phone, T0);
        const [sent] = twilio.messages.filter((message) => message.to === phone);
        expect(sent?.messagingServiceSid).toBe(`MG${"a".repeat(32)}`);
        expect(sent?.from).toBeNull();
      });
    });

    it("reports a failed SMS in the resident's language", async () => {
      const phone = uniquePhone();
      twilio.failNextMessages([{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }]);
      const error = await rejection(issue(tshwane, phone, T0, "zu"));
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe("Asikwazanga ukuthumela ikhodi nge-SMS okwamanje. Sicela uzame futhi emzuzwini owodwa.");
      // The row stays: had the SMS gone out after all, its code would still work.
      expect(await listCodeRows(database.db, tshwane.id, phone)).toHaveLength(1);
      expect(await outboxRows(phone)).toEqual([]);
    });
  });
});
