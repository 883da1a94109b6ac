// Test-only helpers for the WhatsApp tests: a fresh database with the demo seed, storage in a
// temporary folder, the fake Twilio servers, and a way to post signed webhook requests to the real
// route handlers. Everything listens on or connects to loopback addresses only.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { closeDb, type Database } from "@/db/client";
import { tenants, type WhatsAppParams } from "@/db/schema";
import { seed } from "@/db/seed";
import { resetAppKeyringForTests } from "@/lib/crypto/app-keyring";
import { resetEnvForTests } from "@/lib/env";
import { registerJobHandler } from "@/lib/jobs";
import { runDueJobs } from "@/lib/jobs/run-due-jobs";
import { runProcessAttachmentJob } from "@/lib/media/process-attachment";
import { PROCESS_ATTACHMENT_JOB } from "@/lib/media/queue-attachment-processing";
import { registerWhatsAppJobHandlers } from "@/lib/notifications/jobs";
import { resetStorageForTests } from "@/lib/storage";
import type { Tenant } from "@/lib/tenants/get-tenant";
import { createTestDatabase } from "@/test/db";
import { startFakeTwilio, twilioSid, type FakeTwilio } from "@/test/fake-twilio";
import { signTwilioRequest } from "./twilio-signature";

/** The public origin the fixtures were signed for. */
export const PUBLIC_BASE_URL = "https://example.municipality.test";
export const WEBHOOK_URL = `${PUBLIC_BASE_URL}/api/whatsapp/webhook`;
export const STATUS_URL = `${PUBLIC_BASE_URL}/api/whatsapp/status`;
/** Auth token and account of the signed fixtures in test/fixtures/twilio. */
export const FIXTURE_AUTH_TOKEN = "test-auth-token-0000000000000000";
export const FIXTURE_ACCOUNT_SID = "ACe278a2f9c08e04ace79642a4f019da89";
export const FIXTURE_MESSAGING_SERVICE_SID = "MGb1ba016f154079f3b218b360382a3cb2";
/** The seeded Tshwane number every fixture is addressed to. */
export const TSHWANE_NUMBER = "+27105550100";
/** Origin of the requests the route receives behind a TLS-terminating proxy. */
export const PROXIED_ORIGIN = "http://10.0.0.5:3000";

const TWILIO_VARIABLES = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE_URL", "TWILIO_MEDIA_HOSTS"];

export interface WhatsAppTestEnvironment {
  /** Owner connection of the test database: bypasses row-level security, for setup and checks. */
  db: Database;
  databaseUrl: string;
  twilio: FakeTwilio;
  tshwane: Tenant;
  storageDir: string;
  close: () => Promise<void>;
}

/**
 * Points the app at a fresh seeded database, a temporary storage folder, a new encryption key and
 * the fake Twilio servers. With `credentials: false` only the auth token is set, so outbound
 * messages go to the development outbox.
 */
export async function startWhatsAppTestEnvironment(options: { credentials?: boolean } = {}): Promise<WhatsAppTestEnvironment> {
  await closeDb();
  const database = await createTestDatabase();
  const storageDir = await mkdtemp(path.join(os.tmpdir(), "bika-whatsapp-"));
  const twilio = await startFakeTwilio({ accountSid: FIXTURE_ACCOUNT_SID, authToken: FIXTURE_AUTH_TOKEN });

  for (const name of TWILIO_VARIABLES) delete process.env[name];
  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = storageDir;
  process.env.PUBLIC_BASE_URL = PUBLIC_BASE_URL;
  process.env.APP_SECRET = randomBytes(32).toString("hex");
  process.env.ENCRYPTION_KEY_CURRENT = randomBytes(32).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
  process.env.TWILIO_AUTH_TOKEN = FIXTURE_AUTH_TOKEN;
  if (options.credentials !== false) {
    process.env.TWILIO_ACCOUNT_SID = FIXTURE_ACCOUNT_SID;
    process.env.TWILIO_API_BASE_URL = twilio.apiBaseUrl;
    process.env.TWILIO_MEDIA_HOSTS = "127.0.0.1,127.0.0.2";
  }
  resetEnvForTests();
  resetStorageForTests();
  resetAppKeyringForTests();
  registerWhatsAppJobHandlers();
  registerJobHandler(PROCESS_ATTACHMENT_JOB, runProcessAttachmentJob);

  await seed(database.db);
  const [tshwane] = await database.db.select().from(tenants).where(eq(tenants.slug, "tshwane"));
  if (!tshwane) throw new Error("the seed did not create Tshwane");

  return {
    db: database.db,
    databaseUrl: database.url,
    twilio,
    tshwane,
    storageDir,
    close: async () => {
      await closeDb();
      await twilio.close();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
      resetAppKeyringForTests();
    },
  };
}

export interface WebhookResult {
  status: number;
  contentType: string | null;
  setCookie: string | null;
  location: string | null;
  body: string;
  /** Texts of the TwiML <Message> elements, unescaped. */
  replies: string[];
}

/** Posts a request to one of the route handlers as Next.js would pass it, and parses the TwiML response. */
export async function postToRoute(
  handler: (request: NextRequest, segment: { params: Promise<Record<string, never>> }) => Promise<Response>,
  input: { url: string; body: string; signature?: string | null; headers?: Record<string, string> },
): Promise<WebhookResult> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded; charset=UTF-8", ...input.headers };
  if (input.signature) headers["x-twilio-signature"] = input.signature;
  const response = await handler(new NextRequest(input.url, { method: "POST", headers, body: input.body }), { params: Promise.resolve({}) });
  const body = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    setCookie: response.headers.get("set-cookie"),
    location: response.headers.get("location"),
    body,
    replies: [...body.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((match) => unescapeXml(match[1]!)),
  };
}

function unescapeXml(text: string): string {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&apos;", "'").replaceAll("&amp;", "&");
}

/** Encodes parameters as Twilio does: application/x-www-form-urlencoded, in order. */
export function encodeForm(params: WhatsAppParams): string {
  return new URLSearchParams(params).toString();
}

let sequence = 0;

/**
 * Builds the parameters of an inbound WhatsApp message to Tshwane, shaped like Twilio's (the
 * fixtures' field order), with a fresh MessageSid unless one is given.
 */
export function inboundParams(input: {
  from: string;
  body?: string;
  profileName?: string;
  messageSid?: string;
  media?: { url: string; contentType: string }[];
  location?: { latitude: number; longitude: number; address?: string; label?: string };
  to?: string;
}): WhatsAppParams {
  sequence += 1;
  const media = input.media ?? [];
  const messageSid = input.messageSid ?? twilioSid(media.length > 0 ? "MM" : "SM");
  let type = input.location ? "location" : "text";
  if (media.length > 0) {
    const family = media[0]!.contentType.split("/")[0]!;
    type = family === "application" ? "document" : family;
  }
  const params: WhatsAppParams = [];
  media.forEach((item, index) => params.push([`MediaContentType${index}`, item.contentType]));
  if (input.location) {
    params.push(["Latitude", String(input.location.latitude)], ["Longitude", String(input.location.longitude)]);
    if (input.location.address) params.push(["Address", input.location.address]);
    if (input.location.label) params.push(["Label", input.location.label]);
  }
  params.push(
    ["SmsMessageSid", messageSid],
    ["NumMedia", String(media.length)],
    ["ProfileName", input.profileName ?? `Resident ${sequence}`],
    ["MessageType", type],
    ["SmsSid", messageSid],
    ["WaId", input.from.slice(1)],
    ["SmsStatus", "received"],
    ["Body", input.body ?? ""],
    ["To", `whatsapp:${input.to ?? TSHWANE_NUMBER}`],
    ["MessagingServiceSid", FIXTURE_MESSAGING_SERVICE_SID],
    ["NumSegments", "1"],
    ["ReferralNumMedia", "0"],
    ["MessageSid", messageSid],
    ["AccountSid", FIXTURE_ACCOUNT_SID],
    ["From", `whatsapp:${input.from}`],
  );
  media.forEach((item, index) => params.push([`MediaUrl${index}`, item.url]));
  params.push(["ApiVersion", "2010-04-01"]);
  return params;
}

/** Signs parameters for the configured webhook URL and encodes them, ready to post. */
export function signedWebhookBody(params: WhatsAppParams, url = WEBHOOK_URL): { body: string; signature: string } {
  return { body: encodeForm(params), signature: signTwilioRequest(FIXTURE_AUTH_TOKEN, url, params) };
}

/** Runs the jobs due by `now` (default: a second from now) until none are left or `rounds` polls ran. */
export async function runJobs(db: Database, options: { now?: Date; rounds?: number } = {}) {
  const totals = { done: 0, retried: 0, failed: 0 };
  for (let round = 0; round < (options.rounds ?? 5); round += 1) {
    const outcome = await runDueJobs({ db, now: options.now ?? new Date(Date.now() + 1000) });
    totals.done += outcome.done;
    totals.retried += outcome.retried;
    totals.failed += outcome.failed;
    if (outcome.done + outcome.retried + outcome.failed === 0) break;
  }
  return totals;
}
