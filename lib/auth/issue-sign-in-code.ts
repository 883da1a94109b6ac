import { and, desc, eq, gt, sql } from "drizzle-orm";
import { withTenant, type Database, type Tx } from "@/db/client";
import { oneTimeCodes, type tenants } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createTranslator, type Locale } from "@/lib/i18n";
import { log as rootLogger, type Logger } from "@/lib/log";
import { isOutboxVisible } from "@/lib/outbox/outbox-visibility";
import { sendResidentMessage } from "@/lib/outbox/send-resident-message";
import { maskPhoneNumber, parsePhoneNumber } from "@/lib/phone";
import { sendSmsThroughTwilio, TwilioSendError } from "@/lib/whatsapp/twilio-client";
import { residentSignInMessages, type ResidentSignInMessageKey } from "./messages";
import { CODE_LIFETIME_MS, CODE_RATE_LIMITS, generateSignInCode, hashSignInCode } from "./sign-in-code";

export interface IssueSignInCodeInput {
  tenant: Pick<typeof tenants.$inferSelect, "id" | "name">;
  /** The number as the resident typed it. */
  phone: string;
  /** Language of the error messages and of the code message. */
  locale: Locale;
}

export interface IssueSignInCodeOptions {
  db?: Database;
  now?: Date;
  log?: Logger;
}

/**
 * Creates a six-digit sign-in code for a resident's phone number in one tenant and sends it by
 * SMS through Twilio when TWILIO_SMS_FROM is set, else to the development outbox. Only an HMAC of
 * the code is stored. Throws AppError unavailable, in the resident's language, when Twilio rejects
 * the SMS. The code stays valid in case the SMS arrives after all. Throws AppError invalid_input for a number that cannot
 * be read, and rate_limited when the number has had too many codes (CODE_RATE_LIMITS). Both
 * messages are in the resident's language.
 */
export async function issueSignInCode(
  input: IssueSignInCodeInput,
  options: IssueSignInCodeOptions = {},
): Promise<{ phone: string; expiresAt: Date }> {
  const t = createTranslator(residentSignInMessages, input.locale);
  const log = options.log ?? rootLogger;
  const now = options.now ?? new Date();
  const { tenant } = input;

  const phone = parsePhoneNumber(input.phone);
  if (phone === null) {
    throw new AppError("invalid_input", t("phoneInvalid"), { fieldErrors: { phone: [t("phoneInvalid")] } });
  }

  const twilio = env().twilio;
  const sms = twilio?.accountSid && twilio.smsFrom ? { ...twilio, accountSid: twilio.accountSid, smsFrom: twilio.smsFrom } : null;

  const issued = await withTenant(
    tenant.id,
    async (tx) => {
      // Serialises requests for one number, so two at once cannot both slip under the limit.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${tenant.id}:${phone}`}, 0))`);

      const retryAt = await findRateLimitRetryTime(tx, { tenantId: tenant.id, phone, now });
      if (retryAt) {
        log.info({ tenantId: tenant.id, recipient: maskPhoneNumber(phone), retryAt }, "sign-in code request rejected: rate limited");
        throw new AppError("rate_limited", rateLimitMessage(t, retryAt.getTime() - now.getTime()));
      }

      const code = generateSignInCode();
      const expiresAt = new Date(now.getTime() + CODE_LIFETIME_MS);
      await tx.insert(oneTimeCodes).values({
        tenantId: tenant.id,
        phone,
        codeHash: hashSignInCode({ tenantId: tenant.id, phone, code }),
        expiresAt,
        createdAt: now,
      });

      const body = t("codeMessage", { municipality: tenant.name, code });
      if (sms) return { phone, expiresAt, body };

      await sendResidentMessage(tx, { tenantId: tenant.id, channel: "sms", recipient: phone, body }, { log });
      // Wherever the outbox page shows codes (development, or the demo's DEV_OUTBOX=true), the log
      // shows them too, so a demo can sign in straight from the terminal.
      const shownCode = isOutboxVisible() ? { oneTimeCode: code } : {};
      log.info({ tenantId: tenant.id, recipient: maskPhoneNumber(phone), expiresAt, ...shownCode }, "sign-in code sent to the development outbox");
      return { phone, expiresAt, body: null };
    },
    options.db,
  );

  // The SMS goes out after the code's row has committed, so the code works as soon as it arrives,
  // and the code itself is never stored, not even in a job.
  if (sms && issued.body !== null) {
    try {
      const sent = await sendSmsThroughTwilio(sms, { from: sms.smsFrom, to: phone, body: issued.body });
      log.info({ tenantId: tenant.id, recipient: maskPhoneNumber(phone), messageSid: sent.sid, expiresAt: issued.expiresAt }, "sign-in code sent by SMS");
    } catch (error) {
      if (!(error instanceof TwilioSendError)) throw error;
      log.error({ err: error, tenantId: tenant.id, recipient: maskPhoneNumber(phone), twilioCode: error.code }, "sign-in code SMS failed");
      throw new AppError("unavailable", t("codeSendFailed"), { cause: error });
    }
  }
  return { phone: issued.phone, expiresAt: issued.expiresAt };
}

/** Returns when the number may request a code again, or null when it may now. */
async function findRateLimitRetryTime(
  tx: Tx,
  { tenantId, phone, now }: { tenantId: string; phone: string; now: Date },
): Promise<Date | null> {
  const longestWindowMs = Math.max(...CODE_RATE_LIMITS.map((limit) => limit.windowMs));
  const maxCodesCounted = Math.max(...CODE_RATE_LIMITS.map((limit) => limit.maxCodes));
  const recent = await tx
    .select({ createdAt: oneTimeCodes.createdAt })
    .from(oneTimeCodes)
    .where(
      and(
        eq(oneTimeCodes.tenantId, tenantId),
        eq(oneTimeCodes.phone, phone),
        gt(oneTimeCodes.createdAt, new Date(now.getTime() - longestWindowMs)),
      ),
    )
    .orderBy(desc(oneTimeCodes.createdAt))
    .limit(maxCodesCounted);

  let retryAt: Date | null = null;
  for (const { maxCodes, windowMs } of CODE_RATE_LIMITS) {
    const inWindow = recent.filter((row) => row.createdAt.getTime() > now.getTime() - windowMs);
    const oldestCounted = inWindow[maxCodes - 1];
    if (!oldestCounted) continue;
    // The window frees a slot when the oldest of the counted codes falls out of it.
    const freedAt = new Date(oldestCounted.createdAt.getTime() + windowMs);
    if (!retryAt || freedAt > retryAt) retryAt = freedAt;
  }
  return retryAt;
}

function rateLimitMessage(t: ReturnType<typeof createTranslator<ResidentSignInMessageKey>>, waitMs: number): string {
  const minutes = Math.ceil(waitMs / 60_000);
  if (minutes <= 1) return t("rateLimitedSoon");
  if (minutes <= 90) return t("rateLimitedMinutes", { minutes });
  return t("rateLimitedHours", { hours: Math.ceil(minutes / 60) });
}
