import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/whatsapp/webhook/route";
import { mediaAttachments, ticketCounters, tickets, users, whatsappConversations, whatsappMessages, type WhatsAppParams } from "@/db/schema";
import { getStorage } from "@/lib/storage";
import { twilioSid } from "@/test/fake-twilio";
import { WHATSAPP_MESSAGES } from "../messages";
import {
  inboundParams,
  postToRoute,
  PROXIED_ORIGIN,
  runJobs,
  signedWebhookBody,
  startWhatsAppTestEnvironment,
  type WhatsAppTestEnvironment,
} from "../test-support";

const PHOTOS = path.resolve(__dirname, "../../../test/fixtures/photos");
const photo = (name: string) => fs.readFileSync(path.join(PHOTOS, name));
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const en = WHATSAPP_MESSAGES.en;
const af = WHATSAPP_MESSAGES.af as typeof en;
const zu = WHATSAPP_MESSAGES.zu as typeof en;

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
  return result;
}

/** Sends a text message and returns the replies. */
async function say(from: string, body: string): Promise<string[]> {
  return (await post(inboundParams({ from, body }))).replies;
}

async function conversationOf(phone: string) {
  const [row] = await env.db
    .select()
    .from(whatsappConversations)
    .where(and(eq(whatsappConversations.tenantId, env.tshwane.id), eq(whatsappConversations.phone, phone)));
  return row!;
}

async function ticketsOf(phone: string) {
  return env.db
    .select({ ticket: tickets })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.reporterId))
    .where(and(eq(users.phone, phone), eq(tickets.tenantId, env.tshwane.id)))
    .then((rows) => rows.map((row) => row.ticket));
}

/** Walks a new resident to the confirmation question of a report with one description and a typed address. */
async function reachConfirmation(from: string, description: string): Promise<void> {
  await say(from, "1");
  await say(from, "1");
  await say(from, description);
  await say(from, "Corner of Church and Paul Kruger Streets");
  expect((await say(from, "done"))[0]).toContain(description);
}

describe("report conversation", () => {
  const from = "+27825551001";
  let reference = "";

  it("ends in a ticket with a location and three attachments", async () => {
    const photos = [photo("own_pothole_soweto_gps_orientation6.jpg"), photo("exifr_IMG_20180725_163423-tiny.jpg"), photo("own_no_metadata.png")];
    const description = "Deep pothole in front of number 12; cars swerve into oncoming traffic.";

    expect(await say(from, "Hi")).toEqual([`Welcome to City of Tshwane on WhatsApp.\n\n${en.menu}`]);

    const categories = await say(from, "1");
    expect(categories[0]).toMatch(/^Which kind of problem is it\? Reply with a number:\n1\. Roads and potholes\n2\. Water and sanitation/);
    expect(categories[0]).not.toContain("Gender-based violence");

    expect(await say(from, "1")).toEqual([en.descriptionPrompt]);
    expect(await say(from, "short")).toEqual([en.descriptionTooShort, en.descriptionPrompt]);
    expect(await say(from, description)).toEqual([en.locationPrompt]);

    const pin = await post(inboundParams({ from, location: { latitude: -25.7461, longitude: 28.1881, label: "Church Square" } }));
    expect(pin.replies).toEqual([en.evidencePrompt.replace("{max}", "5")]);

    // The first photo is downloaded before the report is sent, the other two only after.
    const firstSid = twilioSid("MM");
    const first = await post(inboundParams({ from, messageSid: firstSid, media: [{ url: env.twilio.addMedia(firstSid, { body: photos[0]!, contentType: "image/jpeg" }), contentType: "image/jpeg" }] }));
    expect(first.replies).toEqual(["Received 1 of 5 files. Send more, or \"done\" when you have finished."]);
    // The download, then the processing it queues.
    expect(await runJobs(env.db)).toMatchObject({ done: 2, failed: 0 });

    const pairSid = twilioSid("MM");
    const pair = await post(
      inboundParams({
        from,
        messageSid: pairSid,
        media: [
          { url: env.twilio.addMedia(pairSid, { body: photos[1]!, contentType: "image/jpeg" }), contentType: "image/jpeg" },
          { url: env.twilio.addMedia(pairSid, { body: photos[2]!, contentType: "image/png" }), contentType: "image/png" },
        ],
      }),
    );
    expect(pair.replies).toEqual(["Received 3 of 5 files. Send more, or \"done\" when you have finished."]);

    const confirmation = await say(from, "done");
    expect(confirmation).toEqual([
      `Please check your report:\nCategory: Roads and potholes\nProblem: ${description}\nPlace: Church Square, pin at -25.74610, 28.18810\nFiles: 3\n\nReply 1 to send it or 2 to cancel.`,
    ]);

    const created = await say(from, "1");
    const match = /reference ([A-Z]+-\d{4}-\d{6})/.exec(created[0]!);
    expect(match).not.toBeNull();
    reference = match![1]!;
    expect(created).toEqual([en.reportCreated.replaceAll("{reference}", reference)]);
    expect((await conversationOf(from)).state).toBe("menu");

    expect(await runJobs(env.db)).toMatchObject({ done: 4, failed: 0 });
    const [ticket] = await ticketsOf(from);
    expect(ticket).toMatchObject({ reference, channel: "whatsapp", latitude: -25.7461, longitude: 28.1881, addressText: "Church Square", description });
    const attachments = await env.db.select().from(mediaAttachments).where(eq(mediaAttachments.ticketId, ticket!.id));
    expect(attachments).toHaveLength(3);
    expect(attachments.map((attachment) => attachment.state)).toEqual(["processed", "processed", "processed"]);
    expect(attachments.every((attachment) => attachment.source === "whatsapp" && attachment.thumbnailKey !== null)).toBe(true);
    expect(attachments.map((attachment) => attachment.sha256).sort()).toEqual(photos.map(sha256).sort());
    for (const attachment of attachments) {
      const chunks: Buffer[] = [];
      for await (const chunk of await getStorage().readObject(attachment.bucket, attachment.objectKey)) chunks.push(Buffer.from(chunk));
      expect(sha256(Buffer.concat(chunks))).toBe(attachment.sha256);
    }
  });

  it("duplicate delivery creates nothing new", async () => {
    const before = await ticketsOf(from);
    const params = inboundParams({ from, body: "Hi" });
    await post(params);
    const again = await post(params);
    expect(again.replies).toEqual([]);
    expect(await ticketsOf(from)).toEqual(before);
    const sid = params.find(([name]) => name === "MessageSid")![1];
    expect(await env.db.select().from(whatsappMessages).where(eq(whatsappMessages.messageSid, sid))).toHaveLength(1);
  });

  it("shows a report's status only to its reporter", async () => {
    const own = await say(from, `status ${reference}`);
    expect(own[0]).toMatch(new RegExp(`^Report ${reference}: Received\\. Reported on `));
    expect(await say("+27825551002", `status ${reference}`)).toEqual([en.statusNotFound.replace("{reference}", reference)]);
    expect(await say("+27825551002", `status TSH-2020-999999`)).toEqual([en.statusNotFound.replace("{reference}", "TSH-2020-999999")]);
  });

  it("lists recent reports from the menu", async () => {
    const listed = await say(from, "2");
    expect(listed).toEqual([en.recentReports.replace("{list}", `1. ${reference} (Received)`)]);
    const answer = await say(from, "1");
    expect(answer[0]).toMatch(new RegExp(`^Report ${reference}: Received`));
    expect((await conversationOf(from)).state).toBe("menu");
  });
});

describe("concurrent deliveries", () => {
  it("give one ticket and one reply", async () => {
    const from = "+27825551003";
    await reachConfirmation(from, "Burst water pipe flooding the road since Monday.");
    const params = inboundParams({ from, body: "1" });
    const year = new Intl.DateTimeFormat("en-ZA", { timeZone: "Africa/Johannesburg", year: "numeric" }).format(new Date());

    // Holding the reference counter keeps the first delivery working while the second arrives.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = env.db.transaction(async (tx) => {
      await tx.execute(sql`insert into ticket_counters (tenant_id, year, last_value) values (${env.tshwane.id}, ${Number(year)}, 100) on conflict do nothing`);
      await tx.execute(sql`select * from ticket_counters where tenant_id = ${env.tshwane.id} and year = ${Number(year)} for update`);
      locked();
      await released;
    });
    await lockTaken;

    const first = post(params);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = post(params);
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    const results = await Promise.all([first, second]);

    expect(results[0].replies).toHaveLength(1);
    expect(results[0].replies[0]).toMatch(/^Thank you\. Your report was recorded with reference /);
    expect(results[1].replies).toEqual([]);
    expect(await ticketsOf(from)).toHaveLength(1);
  });
});

describe("failed processing", () => {
  it("keeps the message and undoes the step", async () => {
    const from = "+27825551020";
    await reachConfirmation(from, "Sewage overflowing onto the pavement outside number 12.");
    const conversationBefore = await conversationOf(from);
    const countersBefore = await env.db.select().from(ticketCounters).where(eq(ticketCounters.tenantId, env.tshwane.id));

    // The confirmation allocates a reference, then fails to insert the ticket.
    const params = inboundParams({ from, body: "1" });
    await env.db.execute(sql`revoke insert on tickets from bika_app`);
    let replies: string[];
    try {
      replies = (await post(params)).replies;
    } finally {
      await env.db.execute(sql`grant insert on tickets to bika_app`);
    }

    expect(replies).toEqual([en.processingFailed]);
    const sid = params.find(([name]) => name === "MessageSid")![1];
    const [stored] = await env.db.select().from(whatsappMessages).where(eq(whatsappMessages.messageSid, sid));
    expect(stored?.state).toBe("failed");
    expect(stored?.error).toContain(`insert into "tickets"`);
    expect(stored?.params).toEqual(params);
    const [reply] = await env.db.select().from(whatsappMessages).where(eq(whatsappMessages.replyToId, stored!.id));
    expect(reply?.body).toBe(en.processingFailed);

    expect(await ticketsOf(from)).toEqual([]);
    expect(await env.db.select().from(ticketCounters).where(eq(ticketCounters.tenantId, env.tshwane.id))).toEqual(countersBefore);
    const conversationAfter = await conversationOf(from);
    expect(conversationAfter.state).toBe(conversationBefore.state);
    expect(conversationAfter.draft).toEqual(conversationBefore.draft);

    // Twilio does not retry a 200, so the resident sends the message again.
    expect((await say(from, "1"))[0]).toMatch(/^Thank you\. Your report was recorded with reference /);
    expect(await ticketsOf(from)).toHaveLength(1);
  });
  it("rolls back when replies cannot be stored", async () => {
    const from = "+27825551021";
    await say(from, "Hi");
    const conversationBefore = await conversationOf(from);

    // The reply is stored last, after the step, in the round trip of the commit.
    await env.db.execute(
      sql.raw(`create function reject_outbound() returns trigger language plpgsql as $$
        begin
          if new.direction = 'outbound' then raise exception 'outbound rejected for the test'; end if;
          return new;
        end $$`),
    );
    await env.db.execute(sql.raw(`create trigger reject_outbound before insert on whatsapp_messages for each row execute function reject_outbound()`));
    const params = inboundParams({ from, body: "2" });
    let status: number;
    try {
      status = (await postToRoute(webhookRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/webhook`, ...signedWebhookBody(params) })).status;
    } finally {
      await env.db.execute(sql.raw(`drop trigger reject_outbound on whatsapp_messages`));
      await env.db.execute(sql.raw(`drop function reject_outbound()`));
    }

    expect(status).toBe(500);
    const sid = params.find(([name]) => name === "MessageSid")![1];
    expect(await env.db.select().from(whatsappMessages).where(eq(whatsappMessages.messageSid, sid))).toEqual([]);
    expect(await conversationOf(from)).toEqual(conversationBefore);

    // Twilio retries a 500 with the same MessageSid, which is then processed as new.
    const retry = await post(params);
    expect(retry.replies).toHaveLength(1);
    const [stored] = await env.db.select().from(whatsappMessages).where(eq(whatsappMessages.messageSid, sid));
    expect(stored?.state).toBe("processed");
    expect((await conversationOf(from)).lastInboundAt).not.toEqual(conversationBefore.lastInboundAt);
  });
});

describe("conversation commands", () => {
  it("cancel drops the report", async () => {
    const from = "+27825551004";
    await say(from, "1");
    expect(await say(from, "cancel")).toEqual([en.cancelled, en.menu]);
    expect(await conversationOf(from)).toMatchObject({ state: "menu", draft: {} });
  });

  it("menu discards the report", async () => {
    const from = "+27825551005";
    await say(from, "1");
    await say(from, "2");
    expect(await say(from, "menu")).toEqual([en.draftDiscarded, en.menu]);
    expect((await conversationOf(from)).state).toBe("menu");
  });

  it("help repeats the question", async () => {
    const from = "+27825551006";
    await say(from, "1");
    await say(from, "3");
    const replies = await say(from, "help");
    expect(replies).toHaveLength(2);
    expect(replies[1]).toBe(en.descriptionPrompt);
    expect((await conversationOf(from)).state).toBe("report_description");
  });

  it("restarts after a day idle", async () => {
    const from = "+27825551007";
    await say(from, "1");
    await say(from, "1");
    await env.db
      .update(whatsappConversations)
      .set({ lastInboundAt: new Date(Date.now() - 25 * 60 * 60 * 1000) })
      .where(and(eq(whatsappConversations.tenantId, env.tshwane.id), eq(whatsappConversations.phone, from)));
    expect(await say(from, "The streetlight outside my house is broken.")).toEqual([en.expired, en.menu]);
    expect(await conversationOf(from)).toMatchObject({ state: "menu", draft: {} });
  });

  it("cancel confirmation sends nothing", async () => {
    const from = "+27825551008";
    await reachConfirmation(from, "Refuse has not been collected for three weeks.");
    expect(await say(from, "2")).toEqual([en.cancelled, en.menu]);
    expect(await ticketsOf(from)).toEqual([]);
  });
});

describe("languages", () => {
  it("answers in isiZulu from the catalogue", async () => {
    const from = "+27825551009";
    expect(await say(from, "5")).toEqual([en.languagePrompt]);
    expect(await say(from, "2")).toEqual([zu.languageSet, zu.menu]);
    expect(await say(from, "1")).toEqual([expect.stringMatching(/^Iluhlobo luni lwenkinga\? Phendula ngenombolo:\n1\. Roads and potholes/)]);
    expect(await say(from, "1")).toEqual([zu.descriptionPrompt]);
    expect(await say(from, "khansela")).toEqual([zu.cancelled, zu.menu]);
    const [resident] = await env.db.select().from(users).where(and(eq(users.tenantId, env.tshwane.id), eq(users.phone, from)));
    expect(resident?.preferredLanguage).toBe("zu");
  });

  it("answers in Afrikaans from the catalogue", async () => {
    const from = "+27825551010";
    await say(from, "5");
    expect(await say(from, "3")).toEqual([af.languageSet, af.menu]);
    expect(await say(from, "hulp")).toEqual([
      af.help.replace("{example}", `TSH-${new Date().getUTCFullYear()}-000123`),
      af.menu,
    ]);
    expect(await say(from, "4")).toEqual([
      `${af.verifyUnverified} ${af.verifyHow.replace("{url}", "https://example.municipality.test/m/tshwane/verify")}`,
    ]);
  });

  it("uses the language the resident chose on the web", async () => {
    const from = "+27825551011";
    await env.db.insert(users).values({ tenantId: env.tshwane.id, role: "resident", name: "Web Resident", phone: from, preferredLanguage: "af" });
    expect(await say(from, "9")).toEqual([`${af.welcome.replace("{municipality}", "City of Tshwane")}\n\n${af.menu}`]);
  });
});

describe("resident identity", () => {
  it("is the web account with the same phone", async () => {
    const [seeded] = await env.db.select().from(users).where(and(eq(users.tenantId, env.tshwane.id), eq(users.phone, "+27825550123")));
    await reachConfirmation("+27825550123", "Streetlight flickering all night on my street.");
    await say("+27825550123", "1");
    const [ticket] = await ticketsOf("+27825550123");
    expect(ticket?.reporterId).toBe(seeded!.id);
    const accounts = await env.db.select().from(users).where(and(eq(users.tenantId, env.tshwane.id), eq(users.phone, "+27825550123")));
    expect(accounts).toHaveLength(1);
  });

  it("is separate per municipality", async () => {
    const from = "+27825551030";
    const toMsunduzi = async (body: string) => (await post(inboundParams({ from, body, to: "+27335550100" }))).replies;

    expect((await say(from, "Hi"))[0]).toContain("City of Tshwane");
    expect((await toMsunduzi("Hi"))[0]).toContain("Msunduzi");
    expect(await say(from, "5")).toEqual([en.languagePrompt]);
    expect((await toMsunduzi("Hi"))[0]).toContain("Msunduzi");

    const conversations = await env.db.select().from(whatsappConversations).where(eq(whatsappConversations.phone, from));
    expect(conversations).toHaveLength(2);
    const tshwaneConversation = conversations.find((row) => row.tenantId === env.tshwane.id);
    const msunduziConversation = conversations.find((row) => row.tenantId !== env.tshwane.id);
    expect(tshwaneConversation?.state).toBe("language");
    expect(msunduziConversation?.state).toBe("menu");

    const accounts = await env.db.select().from(users).where(eq(users.phone, from));
    expect(accounts.map((account) => account.tenantId).sort()).toEqual([tshwaneConversation!.tenantId, msunduziConversation!.tenantId].sort());
    expect(tshwaneConversation?.userId).toBe(accounts.find((account) => account.tenantId === env.tshwane.id)?.id);
    expect(msunduziConversation?.userId).toBe(accounts.find((account) => account.tenantId !== env.tshwane.id)?.id);
  });

  it("rejects a staff number", async () => {
    const from = "+27825551012";
    await env.db.insert(users).values({ tenantId: env.tshwane.id, role: "agent", name: "Agent With Phone", phone: from, email: "agent-phone@tshwane.bika.test" });
    expect(await say(from, "1")).toEqual([en.staffNumber]);
  });
});
