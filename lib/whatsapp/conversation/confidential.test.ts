import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/whatsapp/webhook/route";
import { jobs, tickets, users, whatsappConversations, whatsappMessages, type WhatsAppParams } from "@/db/schema";
import { getAppKeyring, resetAppKeyringForTests } from "@/lib/crypto/app-keyring";
import { resetEnvForTests } from "@/lib/env";
import { decodeAccount, decodeSafeContact, GBV_GENERIC_DESCRIPTION } from "@/lib/gbv/confidential-details";
import { twilioSid } from "@/test/fake-twilio";
import { CONFIDENTIAL_PLACEHOLDER } from "../inbound-message";
import { WHATSAPP_MESSAGES } from "../messages";
import { inboundParams, postToRoute, PROXIED_ORIGIN, signedWebhookBody, startWhatsAppTestEnvironment, type WhatsAppTestEnvironment } from "../test-support";

const en = WHATSAPP_MESSAGES.en;
const PHOTO = fs.readFileSync(path.resolve(__dirname, "../../../test/fixtures/photos/own_no_metadata.png"));

// Made-up details, each with a distinctive word the database dump is searched for.
const ACCOUNT = "My neighbour Bonginkosi Mavundla-Trevelyan pushed me down the stairs and took my phone.";
const WHEN = "Saturday night after the Zebediela braai, around eleven";
const PLACE = "Flat 7, Jacaranda Heights, Sunnyside";
const CONTACT = "SMS only to 0825550999, weekdays before Quattrocento closes";
const SECRETS = ["Mavundla-Trevelyan", "Zebediela", "Jacaranda Heights", "0825550999", "Quattrocento", "-25.7511", "Mugg & Bean"];

let env: WhatsAppTestEnvironment;

beforeAll(async () => {
  env = await startWhatsAppTestEnvironment();
});

afterAll(async () => {
  await env?.close();
});

async function post(params: WhatsAppParams) {
  const result = await postToRoute(webhookRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/webhook`, ...signedWebhookBody(params) });
  expect(result.status).toBe(200);
  return result.replies;
}

const say = (from: string, body: string) => post(inboundParams({ from, body }));

/** Plain-text dump of every row in the test database, as an operator's backup would hold it. */
async function databaseDump(): Promise<string> {
  const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", "--no-owner", env.databaseUrl], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function expectNoSecret(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe("confidential report on WhatsApp", () => {
  const from = "+27725553001";
  const replies: string[] = [];

  it("gives the emergency numbers first", async () => {
    replies.push(...(await say(from, "Hello")));
    const opening = await say(from, "3");
    replies.push(...opening);
    expect(opening).toEqual([en.gbvEmergency, en.gbvIntro]);
    expect(opening[0]).toContain("10111");
    expect(opening[0]).toContain("0800 428 428");
    expect(opening[1]).toContain("delete this chat");
  });

  it("takes the details without repeating them", async () => {
    const photoSid = twilioSid("MM");
    const withPhoto = await post(
      inboundParams({ from, messageSid: photoSid, body: ACCOUNT, media: [{ url: env.twilio.addMedia(photoSid, { body: PHOTO, contentType: "image/png" }), contentType: "image/png" }] }),
    );
    replies.push(...withPhoto);
    expect(withPhoto).toEqual([en.gbvNoFiles, en.gbvWhenPrompt]);

    replies.push(...(await say(from, WHEN)));
    const pinned = await post(inboundParams({ from, location: { latitude: -25.7511, longitude: 28.2206, label: "Mugg & Bean" } }));
    replies.push(...pinned);
    expect(pinned).toEqual([en.gbvContactMethodPrompt]);
    replies.push(...(await say(from, "2")));
    const confirm = await say(from, CONTACT);
    replies.push(...confirm);
    expect(confirm).toEqual([en.gbvConfirmPrompt]);

    // Mid-way, the details exist only in the encrypted draft.
    const [conversation] = await env.db.select().from(whatsappConversations).where(eq(whatsappConversations.phone, from));
    expect(conversation).toMatchObject({ state: "gbv_confirm", draft: {} });
    expect(conversation!.encryptedDraft).not.toBeNull();
    expectNoSecret(await databaseDump());
    const photoJobs = (await env.db.select().from(jobs)).filter((job) => String(job.payload.mediaUrl ?? "").includes(photoSid));
    expect(photoJobs).toEqual([]);
  });

  it("files the report exactly like the web form", async () => {
    const created = await say(from, "1");
    replies.push(...created);
    const reference = /Reference: ([A-Z]+-\d{4}-\d{6})/.exec(created[0]!)?.[1];
    expect(created).toEqual([en.gbvCreated.replace("{reference}", reference!)]);

    const [ticket] = await env.db
      .select({ ticket: tickets })
      .from(tickets)
      .innerJoin(users, eq(users.id, tickets.reporterId))
      .where(and(eq(users.phone, from), eq(tickets.tenantId, env.tshwane.id)))
      .then((rows) => rows.map((row) => row.ticket));
    expect(ticket).toMatchObject({
      reference,
      isSensitive: true,
      channel: "whatsapp",
      description: GBV_GENERIC_DESCRIPTION,
      latitude: null,
      longitude: null,
      addressText: null,
    });
    const keyring = getAppKeyring();
    expect(decodeAccount(keyring.decryptText(ticket!.encryptedDescription!))).toEqual({ account: ACCOUNT, when: WHEN });
    expect(keyring.decryptText(ticket!.encryptedLocation!)).toBe("Mugg & Bean (-25.7511, 28.2206)");
    expect(decodeSafeContact(keyring.decryptText(ticket!.encryptedSafeContact!))).toEqual({ method: "sms", details: CONTACT });

    const [conversation] = await env.db.select().from(whatsappConversations).where(eq(whatsappConversations.phone, from));
    expect(conversation).toMatchObject({ state: "menu", encryptedDraft: null });
  });

  it("stores no plaintext detail anywhere", async () => {
    const dump = await databaseDump();
    // The dump does hold the data: the generic description and the municipality are there.
    expect(dump).toContain(GBV_GENERIC_DESCRIPTION);
    expect(dump).toContain("City of Tshwane");
    expectNoSecret(dump);
    const inbound = await env.db
      .select()
      .from(whatsappMessages)
      .where(and(eq(whatsappMessages.phone, from), eq(whatsappMessages.direction, "inbound"), eq(whatsappMessages.isConfidential, true)));
    expect(inbound).toHaveLength(6);
    for (const message of inbound) {
      const body = message.params!.find(([name]) => name === "Body")![1];
      expect([CONFIDENTIAL_PLACEHOLDER, "2", "1", ""]).toContain(body);
    }
  });

  it("never repeats a detail in a reply", () => {
    expect(replies.length).toBeGreaterThan(8);
    for (const reply of replies) expectNoSecret(reply);
    expect(replies.join("\n")).not.toContain("braai");
  });
});

describe("confidential report commands", () => {
  it("cancel discards the draft", async () => {
    const from = "+27725553002";
    await say(from, "3");
    await say(from, ACCOUNT);
    expect(await say(from, "cancel")).toEqual([en.gbvDiscarded, en.menu]);
    const [conversation] = await env.db.select().from(whatsappConversations).where(eq(whatsappConversations.phone, from));
    expect(conversation).toMatchObject({ state: "menu", encryptedDraft: null, draft: {} });
  });

  it("is unavailable without an encryption key", async () => {
    const key = process.env.ENCRYPTION_KEY_CURRENT;
    delete process.env.ENCRYPTION_KEY_CURRENT;
    resetEnvForTests();
    resetAppKeyringForTests();
    try {
      expect(await say("+27725553003", "3")).toEqual([en.gbvUnavailable, en.menu]);
    } finally {
      process.env.ENCRYPTION_KEY_CURRENT = key;
      resetEnvForTests();
      resetAppKeyringForTests();
    }
  });

  it("starts again when the draft cannot be decrypted", async () => {
    const from = "+27725553004";
    await say(from, "3");
    await say(from, ACCOUNT);
    const key = process.env.ENCRYPTION_KEY_CURRENT;
    process.env.ENCRYPTION_KEY_CURRENT = Buffer.alloc(32, 9).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
    resetEnvForTests();
    resetAppKeyringForTests();
    try {
      expect(await say(from, "skip")).toEqual([en.gbvSessionLost, en.menu]);
    } finally {
      process.env.ENCRYPTION_KEY_CURRENT = key;
      resetEnvForTests();
      resetAppKeyringForTests();
    }
  });
});
