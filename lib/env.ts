import path from "node:path";
import { z } from "zod";

// The only module that reads process.env. Everything else calls `env()` for typed settings.

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    PUBLIC_BASE_URL: z.url({ message: "must be an absolute URL such as https://bika.example.org" }).optional(),
    NEXTAUTH_URL: optionalText.pipe(z.url({ message: "must be an absolute URL such as https://bika.example.org" }).optional()),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
        .optional(),
    ),
    PGLITE_DIR: z.string().default("var/pgdata"),

    APP_SECRET: optionalText.pipe(z.string().min(32, "must be at least 32 characters").optional()),

    DEV_OUTBOX: z
      .enum(["true", "false"], { message: 'must be "true" or "false"' })
      .optional()
      .transform((value) => value === "true"),

    STORAGE_DIR: z.string().default("var/storage"),
    S3_BUCKET_EVIDENCE: optionalText,
    S3_BUCKET_DOCUMENTS: optionalText,
    S3_ENDPOINT: optionalText.pipe(z.url({ message: "must be an absolute URL" }).optional()),
    S3_FORCE_PATH_STYLE: z
      .enum(["true", "false"])
      .optional()
      .transform((value) => (value === undefined ? undefined : value === "true")),
    AWS_REGION: optionalText,
    AWS_ACCESS_KEY_ID: optionalText,
    AWS_SECRET_ACCESS_KEY: optionalText,

    OCR_POOL_SIZE: z.coerce
      .number({ message: "must be a whole number of OCR workers, such as 2" })
      .int("must be a whole number of OCR workers, such as 2")
      .min(1, "must be at least 1")
      .max(8, "must be at most 8; each OCR worker holds about 100 MB and one CPU core")
      .default(1),

    ENCRYPTION_KEY_CURRENT: optionalText,
    ENCRYPTION_KEY_PREVIOUS: optionalText,

    TWILIO_ACCOUNT_SID: optionalText.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hexadecimal digits, as shown in the Twilio Console")
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_BASE_URL: optionalText.pipe(z.url({ message: "must be an absolute URL such as https://api.twilio.com" }).optional()),
    TWILIO_WEBHOOK_BASE_URL: optionalText.pipe(z.url({ message: "must be an absolute URL such as https://bika.example.org" }).optional()),
    TWILIO_MEDIA_HOSTS: optionalText,
    TWILIO_SMS_FROM: optionalText.pipe(
      z
        .string()
        .regex(
          /^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/,
          "must be an SMS-capable number in E.164 form, such as +27105550199, or a Messaging Service SID (MG followed by 32 hexadecimal digits)",
        )
        .optional(),
    ),
  })
  .superRefine((value, ctx) => {
    if (value.NODE_ENV === "production" && !value.APP_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_SECRET"],
        message: "is required in production; generate one with `openssl rand -base64 48`",
      });
    }
    if (value.TWILIO_SMS_FROM !== undefined && value.TWILIO_ACCOUNT_SID === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["TWILIO_ACCOUNT_SID"],
        message: "is required when TWILIO_SMS_FROM is set, because sign-in codes are sent through the Twilio REST API",
      });
    }
    if (value.TWILIO_ACCOUNT_SID !== undefined && value.TWILIO_AUTH_TOKEN === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["TWILIO_AUTH_TOKEN"],
        message: "is required when TWILIO_ACCOUNT_SID is set; copy it from the Twilio Console",
      });
    }
    const s3Names = ["S3_BUCKET_EVIDENCE", "S3_BUCKET_DOCUMENTS", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;
    const present = s3Names.filter((name) => value[name] !== undefined);
    if (present.length > 0 && present.length < s3Names.length) {
      for (const name of s3Names.filter((n) => value[n] === undefined)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is required when ${present.join(", ")} ${present.length === 1 ? "is" : "are"} set (S3 storage needs all five)`,
        });
      }
    }
  });

export interface S3Settings {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  buckets: { evidence: string; documents: string };
}

export interface TwilioSettings {
  /** Validates webhook signatures; with the account SID, also authenticates REST calls and media downloads. */
  authToken: string;
  /** Null when only the auth token is set: webhooks work, and outbound messages go to the development outbox. */
  accountSid: string | null;
  /** Origin of the Twilio REST API (https://api.twilio.com); tests point it at a fake on 127.0.0.1. */
  apiBaseUrl: string;
  /**
   * Origin Twilio is configured to call, which its signatures cover: TWILIO_WEBHOOK_BASE_URL, else
   * PUBLIC_BASE_URL. It differs when Twilio reaches the app through a tunnel or another host name.
   */
  webhookBaseUrl: string;
  /** Lower-case host names media may be downloaded from, redirects included. */
  mediaHosts: string[];
  /** SMS sender of resident sign-in codes, a number or a Messaging Service SID. Null sends codes to the development outbox. */
  smsFrom: string | null;
}

/**
 * Hosts Twilio serves message media from: the MediaUrl itself, and the two hosts its redirect
 * leads to (mms.twiliocdn.com with HTTP basic auth on media enforced, s3-external-1.amazonaws.com
 * without), as Twilio's support article on protecting media with basic authentication lists them.
 */
export const DEFAULT_TWILIO_MEDIA_HOSTS = ["api.twilio.com", "mms.twiliocdn.com", "s3-external-1.amazonaws.com"];

export interface Env {
  nodeEnv: "development" | "production" | "test";
  port: number;
  publicBaseUrl: string;
  logLevel: string;
  /** PostgreSQL connection string, or null to use the embedded PGlite database. */
  databaseUrl: string | null;
  pgliteDir: string;
  /** Secret for session cookies and local-storage upload signatures. */
  appSecret: string;
  /**
   * Origin that next-auth builds its URLs from (NEXTAUTH_URL, else PUBLIC_BASE_URL), or null to take
   * it from each request's Host header, so development works on both localhost and 127.0.0.1.
   */
  authUrl: string | null;
  /**
   * Whether /dev/outbox is served in production (DEV_OUTBOX=true). Outside production it always is.
   * The page shows every resident's sign-in codes to anyone who can reach it.
   */
  devOutbox: boolean;
  storageDir: string;
  /** S3 settings, or null when the local filesystem driver is in use. */
  s3: S3Settings | null;
  /** Tesseract workers that read proof-of-residence documents in parallel. */
  ocrPoolSize: number;
  encryptionKeyCurrent: string | null;
  encryptionKeysPrevious: string[];
  /** Twilio settings, or null when TWILIO_AUTH_TOKEN is unset and WhatsApp is off. */
  twilio: TwilioSettings | null;
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

// Development-only fallback so `npm test` and a first `npm run dev` work without a .env file.
// Production refuses to start without APP_SECRET (see the refinement above).
const DEVELOPMENT_SECRET = "bika-development-secret-not-for-production-use";

/** Parses a set of environment variables into typed settings, or throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => {
        const name = issue.path.join(".") || "(environment)";
        const given = source[name];
        const shown = given === undefined ? "unset" : `got ${JSON.stringify(redact(name, given))}`;
        return `${name} ${issue.message} (${shown})`;
      }),
    );
  }
  const v = result.data;
  const cwd = process.cwd();
  return {
    nodeEnv: v.NODE_ENV,
    port: v.PORT,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ""),
    logLevel: v.LOG_LEVEL,
    databaseUrl: v.DATABASE_URL ?? null,
    pgliteDir: path.resolve(cwd, v.PGLITE_DIR),
    appSecret: v.APP_SECRET ?? DEVELOPMENT_SECRET,
    authUrl: (v.NEXTAUTH_URL ?? v.PUBLIC_BASE_URL)?.replace(/\/+$/, "") ?? null,
    devOutbox: v.DEV_OUTBOX,
    storageDir: path.resolve(cwd, v.STORAGE_DIR),
    s3:
      v.S3_BUCKET_EVIDENCE && v.S3_BUCKET_DOCUMENTS && v.AWS_REGION && v.AWS_ACCESS_KEY_ID && v.AWS_SECRET_ACCESS_KEY
        ? {
            region: v.AWS_REGION,
            accessKeyId: v.AWS_ACCESS_KEY_ID,
            secretAccessKey: v.AWS_SECRET_ACCESS_KEY,
            endpoint: v.S3_ENDPOINT,
            forcePathStyle: v.S3_FORCE_PATH_STYLE ?? v.S3_ENDPOINT !== undefined,
            buckets: { evidence: v.S3_BUCKET_EVIDENCE, documents: v.S3_BUCKET_DOCUMENTS },
          }
        : null,
    ocrPoolSize: v.OCR_POOL_SIZE,
    encryptionKeyCurrent: v.ENCRYPTION_KEY_CURRENT ?? null,
    encryptionKeysPrevious: (v.ENCRYPTION_KEY_PREVIOUS ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key !== ""),
    twilio: v.TWILIO_AUTH_TOKEN
      ? {
          authToken: v.TWILIO_AUTH_TOKEN,
          accountSid: v.TWILIO_ACCOUNT_SID ?? null,
          apiBaseUrl: (v.TWILIO_API_BASE_URL ?? "https://api.twilio.com").replace(/\/+$/, ""),
          webhookBaseUrl: (v.TWILIO_WEBHOOK_BASE_URL ?? v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ""),
          mediaHosts: v.TWILIO_MEDIA_HOSTS
            ? v.TWILIO_MEDIA_HOSTS.split(",")
                .map((host) => host.trim().toLowerCase())
                .filter((host) => host !== "")
            : DEFAULT_TWILIO_MEDIA_HOSTS,
          smsFrom: v.TWILIO_SMS_FROM ?? null,
        }
      : null,
  };
}

function redact(name: string, value: string): string {
  return /SECRET|KEY|PASSWORD|TOKEN/.test(name) ? "[redacted]" : value;
}

let cached: Env | undefined;

/**
 * Hands the auth URL to next-auth v4, which reads NEXTAUTH_URL (or, failing that, AUTH_TRUST_HOST)
 * from process.env itself instead of taking it as an option.
 */
export function exportAuthUrlToNextAuth(): void {
  const { authUrl } = env();
  if (authUrl) process.env.NEXTAUTH_URL = authUrl;
  else process.env.AUTH_TRUST_HOST = "true";
}

/** Returns the process configuration, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Drops the cached configuration; tests call this after changing process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
