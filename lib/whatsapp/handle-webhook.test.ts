import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as statusRoute } from "@/app/api/whatsapp/status/route";
import { POST as webhookRoute } from "@/app/api/whatsapp/webhook/route";
import { jobs, users, whatsappConversations, whatsappMessages } from "@/db/schema";
import { config as proxyConfig } from "@/proxy";
import { withEnv } from "@/test/env";
import { parseFormBody } from "./form-body";
import { WHATSAPP_MESSAGES } from "./messages";
import { MEDIA_DOWNLOAD_JOB } from "./media/queue-media-download";
import {
  FIXTURE_AUTH_TOKEN,
  inboundParams,
  postToRoute,
  PROXIED_ORIGIN,
  signedWebhookBody,
  startWhatsAppTestEnvironment,
  type WhatsAppTestEnvironment,
} from "./test-support";
import { signTwilioRequest } from "./twilio-signature";

interface Fixture {
  name: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  body: string;
  expected: { signature_valid: boolean; dedupe_key?: string; sender?: { phone_e164: string; profile_name: string }; expected_http_status?: number };
}

const FIXTURE_DIR = path.resolve(__dirname, "../../test/fixtures/twilio");
const fixtures = new Map(
  fs
    .readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith(".json"))
    .map((name) => JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, name), "utf8")) as Fixture)
    .map((fixture) => [fixture.name, fixture]),
);
const PROXIED_WEBHOOK = `${PROXIED_ORIGIN}/api/whatsapp/webhook`;

let env: WhatsAppTestEnvironment;

beforeAll(async () => {
  env = await startWhatsAppTestEnvironment();
});

afterAll(async () => {
  await env?.close();
});

function postFixture(name: string) {
  const fixture = fixtures.get(name)!;
  return postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body: fixture.body, signature: fixture.headers["X-Twilio-Signature"] });
}

async function storedMessages(messageSid: string) {
  return env.db.select().from(whatsappMessages).where(eq(whatsappMessages.messageSid, messageSid));
}

async function conversationOf(phone: string) {
  const [row] = await env.db
    .select()
    .from(whatsappConversations)
    .where(and(eq(whatsappConversations.tenantId, env.tshwane.id), eq(whatsappConversations.phone, phone)));
  return row;
}

async function mediaJobs() {
  return env.db.select().from(jobs).where(eq(jobs.kind, MEDIA_DOWNLOAD_JOB));
}

function expectTwiml(result: Awaited<ReturnType<typeof postToRoute>>, status: number) {
  expect(result.status).toBe(status);
  expect(result.contentType).toMatch(/^text\/xml/);
  expect(result.setCookie).toBeNull();
  expect(result.location).toBeNull();
  expect(result.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response/);
}

describe("webhook fixtures", () => {
  for (const name of [...fixtures.keys()].filter((candidate) => fixtures.get(candidate)!.expected.signature_valid).sort()) {
    it(`${name} is stored with its raw parameters`, async () => {
      const fixture = fixtures.get(name)!;
      const result = await postFixture(name);
      expectTwiml(result, 200);

      const [stored] = await storedMessages(fixture.expected.dedupe_key!);
      expect(stored).toMatchObject({ tenantId: env.tshwane.id, direction: "inbound", phone: fixture.expected.sender!.phone_e164 });
      expect(stored!.params).toEqual(parseFormBody(fixture.body));
      expect(Object.fromEntries(stored!.params!)).toEqual(fixture.params);

      const [resident] = await env.db
        .select()
        .from(users)
        .where(and(eq(users.tenantId, env.tshwane.id), eq(users.phone, fixture.expected.sender!.phone_e164)));
      expect(resident).toMatchObject({ role: "resident", name: fixture.expected.sender!.profile_name });
    });
  }

  it("01 text starts a report with its text", async () => {
    const conversation = await conversationOf("+27825550101");
    expect(conversation?.state).toBe("report_category");
    expect(conversation?.draft).toMatchObject({ description: fixtures.get("01-text-plain")!.params.Body });
  });

  it("03 three photos queue three downloads", async () => {
    const conversation = await conversationOf("+27845550103");
    expect((conversation?.draft as { evidence: unknown[] }).evidence).toHaveLength(3);
    const queued = (await mediaJobs()).filter((job) => String(job.payload.mediaUrl).includes("MMa56603539a3a8d904d1b1d39b223426f"));
    expect(queued).toHaveLength(3);
  });

  it("04 voice note is kept as audio evidence", async () => {
    const conversation = await conversationOf("+27605550104");
    expect((conversation?.draft as { evidence: { kind: string }[] }).evidence.map((item) => item.kind)).toEqual(["audio"]);
  });

  it("05b named place keeps label, address and pin", async () => {
    const conversation = await conversationOf("+27715550105");
    expect((conversation?.draft as { location: unknown }).location).toEqual({
      latitude: -26.1929,
      longitude: 28.0305,
      addressText: "Bus stop opposite the university gate, Jan Smuts Avenue, Braamfontein, Johannesburg, 2001",
    });
  });

  it("06b duplicate changes nothing and gets no reply", async () => {
    const conversation = await conversationOf("+27725550106");
    const jobCount = (await env.db.select().from(jobs)).length;

    const again = await postFixture("06b-duplicate-second-delivery");
    expectTwiml(again, 200);
    expect(again.replies).toEqual([]);

    const rows = await storedMessages("SM77780eedda8c7dbf35e73f9e89ec70ff");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.redeliveries).toBe(2);
    expect(await conversationOf("+27725550106")).toEqual(conversation);
    expect((await env.db.select().from(jobs)).length).toBe(jobCount);
  });

  it("07 button reply gets the menu", async () => {
    const result = await postFixture("07-quick-reply-button");
    // The loop above delivered this message once already, so this is a repeat.
    expect(result.replies).toEqual([]);
    const [reply] = await env.db.select().from(whatsappMessages).where(and(eq(whatsappMessages.direction, "outbound"), eq(whatsappMessages.phone, "+27735550107")));
    expect(reply?.body).toContain(WHATSAPP_MESSAGES.en.menu);
  });

  it("08 tampered body is rejected with 403 and stores nothing", async () => {
    const result = await postFixture("08-invalid-signature-tampered-body");
    expectTwiml(result, 403);
    expect(result.replies).toEqual([]);
    expect(await storedMessages("SMba10c238b1470ed0388707cc8de77b2e")).toEqual([]);
  });
});

describe("webhook rejections", () => {
  const from = "+27825550199";

  it("rejects a missing signature", async () => {
    const { body } = signedWebhookBody(inboundParams({ from, body: "hi" }));
    expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature: null }), 403);
  });

  it("rejects a signature for the forwarded URL", async () => {
    const params = inboundParams({ from, body: "hi" });
    const signature = signTwilioRequest(FIXTURE_AUTH_TOKEN, PROXIED_WEBHOOK, params);
    const { body } = signedWebhookBody(params);
    expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature }), 403);
  });

  it("rejects a body changed after signing", async () => {
    const params = inboundParams({ from, body: "Please fix the streetlight" });
    const { body, signature } = signedWebhookBody(params);
    const changed = body.replace("streetlight", "streetlights");
    expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body: changed, signature }), 403);
    expect(await storedMessages(params.find(([name]) => name === "MessageSid")![1])).toEqual([]);
  });

  it("accepts a configured query with an apostrophe", async () => {
    const params = inboundParams({ from, body: "hi" });
    const { body, signature } = signedWebhookBody(params, "https://example.municipality.test/api/whatsapp/webhook?ward=o'kiep");
    const result = await postToRoute(webhookRoute, { url: `${PROXIED_WEBHOOK}?ward=o'kiep`, body, signature });
    expectTwiml(result, 200);
    expect(result.replies).toHaveLength(1);
  });

  it("checks against TWILIO_WEBHOOK_BASE_URL when set", async () => {
    // The app's own address differs from the one Twilio calls, as behind a tunnel.
    await withEnv({ PUBLIC_BASE_URL: "http://127.0.0.1:3000", TWILIO_WEBHOOK_BASE_URL: "https://example.municipality.test/" }, async () => {
      const params = inboundParams({ from, body: "hi" });
      const { body, signature } = signedWebhookBody(params);
      expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature }), 200);
      const forApp = signTwilioRequest(FIXTURE_AUTH_TOKEN, "http://127.0.0.1:3000/api/whatsapp/webhook", params);
      expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature: forApp }), 403);
    });
  });

  it("rejects an unknown WhatsApp number", async () => {
    const params = inboundParams({ from, body: "hi", to: "+27215550100" }).filter(([name]) => name !== "MessagingServiceSid");
    const { body, signature } = signedWebhookBody(params);
    expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature }), 404);
  });

  it("resolves the tenant from the Messaging Service", async () => {
    const params = inboundParams({ from, body: "hi", to: "+27215550100" });
    const { body, signature } = signedWebhookBody(params);
    const result = await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature });
    expectTwiml(result, 200);
    expect(result.replies[0]).toContain("City of Tshwane");
  });

  it("rejects a JSON body", async () => {
    const result = await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body: "{}", signature: "x", headers: { "content-type": "application/json" } });
    expectTwiml(result, 415);
  });

  it("rejects a malformed message", async () => {
    const params = inboundParams({ from, body: "hi" }).map(([name, value]): [string, string] => [name, name === "From" ? "+27825550199" : value]);
    const { body, signature } = signedWebhookBody(params);
    expectTwiml(await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, body, signature }), 400);
  });

  it("answers help in any state", async () => {
    const result = await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, ...signedWebhookBody(inboundParams({ from: "+27825550198", body: "help" })) });
    expectTwiml(result, 200);
    expect(result.replies).toEqual([WHATSAPP_MESSAGES.en.help.replace("{example}", `TSH-${new Date().getUTCFullYear()}-000123`), WHATSAPP_MESSAGES.en.menu]);
  });
});

describe("proxy", () => {
  it("never runs on the Twilio routes", () => {
    expect(unstable_doesMiddlewareMatch({ config: proxyConfig, url: "/dashboard/tickets/1" })).toBe(true);
    expect(unstable_doesMiddlewareMatch({ config: proxyConfig, url: "/api/whatsapp/webhook" })).toBe(false);
    expect(unstable_doesMiddlewareMatch({ config: proxyConfig, url: "/api/whatsapp/status" })).toBe(false);
  });

  it("status route answers TwiML without a cookie", async () => {
    const params: [string, string][] = [
      ["MessageSid", "SM00000000000000000000000000000001"],
      ["MessageStatus", "delivered"],
      ["From", "whatsapp:+27105550100"],
    ];
    const signature = signTwilioRequest(FIXTURE_AUTH_TOKEN, "https://example.municipality.test/api/whatsapp/status", params);
    const result = await postToRoute(statusRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/status`, body: new URLSearchParams(params).toString(), signature });
    expectTwiml(result, 200);
    expectTwiml(await postToRoute(statusRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/status`, body: new URLSearchParams(params).toString(), signature: "bad" }), 403);
  });
});

describe("webhook without Twilio", () => {
  it("answers 503 when no auth token is set", async () => {
    await withEnv({ TWILIO_AUTH_TOKEN: undefined, TWILIO_ACCOUNT_SID: undefined }, async () => {
      const result = await postToRoute(webhookRoute, { url: PROXIED_WEBHOOK, ...signedWebhookBody(inboundParams({ from: "+27825550197", body: "hi" })) });
      expectTwiml(result, 503);
    });
  });
});
