import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as statusRoute } from "@/app/api/whatsapp/status/route";
import { devOutbox, jobs, notificationDeliveries, tenants, users, whatsappConversations } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { retryDelayMs, runDueJobs } from "@/lib/jobs/run-due-jobs";
import { changeTicketStatus } from "@/lib/tickets/change-ticket-status";
import { WHATSAPP_MESSAGES } from "@/lib/whatsapp/messages";
import { FIXTURE_AUTH_TOKEN, postToRoute, PROXIED_ORIGIN, runJobs, startWhatsAppTestEnvironment, STATUS_URL, type WhatsAppTestEnvironment } from "@/lib/whatsapp/test-support";
import { signTwilioRequest } from "@/lib/whatsapp/twilio-signature";
import { insertTicket, type UserRow } from "@/test/factories";
import { listTicketNotifications } from "./list-ticket-notifications";
import { TICKET_STATUS_NOTIFICATION_JOB } from "./ticket-status-notification";

let env: WhatsAppTestEnvironment;
let manager: Actor;
let categoryId: string;
let gbvCategoryId: string;
let phoneSequence = 0;

beforeAll(async () => {
  env = await startWhatsAppTestEnvironment();
  const [staff] = await env.db.select().from(users).where(and(eq(users.tenantId, env.tshwane.id), eq(users.role, "manager")));
  manager = { userId: staff!.id, tenantId: env.tshwane.id, tenantSlug: "tshwane", role: "manager", name: staff!.name };
  const categories = await env.db.query.categories.findMany({ where: (table, { eq: equals }) => equals(table.tenantId, env.tshwane.id) });
  categoryId = categories.find((category) => category.slug === "roads-and-potholes")!.id;
  gbvCategoryId = categories.find((category) => category.slug === "gbv")!.id;
});

afterAll(async () => {
  await env?.close();
});

beforeEach(() => {
  env.twilio.reset();
});

/** Inserts a resident with a ticket; `lastMessageHoursAgo` null means the resident never wrote on WhatsApp. */
async function residentWithTicket(options: { lastMessageHoursAgo: number | null; language?: "en" | "zu" | "af"; sensitive?: boolean }) {
  phoneSequence += 1;
  const phone = `+2782555${String(4000 + phoneSequence).padStart(4, "0")}`;
  const [resident] = await env.db
    .insert(users)
    .values({ tenantId: env.tshwane.id, role: "resident", name: `Resident ${phoneSequence}`, phone, preferredLanguage: options.language ?? "en" })
    .returning();
  if (options.lastMessageHoursAgo !== null) {
    await env.db.insert(whatsappConversations).values({
      tenantId: env.tshwane.id,
      phone,
      userId: resident!.id,
      lastInboundAt: new Date(Date.now() - options.lastMessageHoursAgo * 60 * 60 * 1000),
    });
  }
  const ticket = await insertTicket(env.db, {
    tenantId: env.tshwane.id,
    reporterId: resident!.id,
    categoryId: options.sensitive ? gbvCategoryId : categoryId,
    reference: `TSH-2026-${String(500000 + phoneSequence)}`,
    isSensitive: options.sensitive ?? false,
    description: options.sensitive ? "GBV incident report" : "Water has been leaking from the main pipe for two days.",
  });
  return { resident: resident as UserRow, phone, ticket };
}

async function deliveriesOf(ticketId: string) {
  return env.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.ticketId, ticketId));
}

function postStatusCallback(params: [string, string][]) {
  const signature = signTwilioRequest(FIXTURE_AUTH_TOKEN, STATUS_URL, params);
  return postToRoute(statusRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/status`, body: new URLSearchParams(params).toString(), signature });
}

describe("status notification", () => {
  it("sends free text inside the 24-hour window", async () => {
    const { phone, ticket } = await residentWithTicket({ lastMessageHoursAgo: 2 });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-1" }, env.db);
    expect(env.twilio.messages).toEqual([]);
    expect(await runJobs(env.db)).toMatchObject({ done: 1, failed: 0 });

    expect(env.twilio.messages).toHaveLength(1);
    const [message] = env.twilio.messages;
    expect(message).toMatchObject({
      accountSid: "ACe278a2f9c08e04ace79642a4f019da89",
      from: "whatsapp:+27105550100",
      to: `whatsapp:${phone}`,
      body: `Update on your report ${ticket.reference} to City of Tshwane. Status: In progress.`,
      contentSid: null,
      statusCallback: "https://example.municipality.test/api/whatsapp/status",
    });
    const request = env.twilio.requests.find((candidate) => candidate.method === "POST")!;
    expect(request.url).toBe("/2010-04-01/Accounts/ACe278a2f9c08e04ace79642a4f019da89/Messages.json");
    expect(request.authorization).toBe(`Basic ${Buffer.from(`ACe278a2f9c08e04ace79642a4f019da89:${FIXTURE_AUTH_TOKEN}`).toString("base64")}`);

    const [delivery] = await deliveriesOf(ticket.id);
    expect(delivery).toMatchObject({
      purpose: "ticket_status",
      ticketStatus: "in_progress",
      kind: "free_text",
      transport: "twilio",
      status: "queued",
      providerMessageSid: message!.sid,
    });
  });

  it("uses the template after 24 hours", async () => {
    const { phone, ticket } = await residentWithTicket({ lastMessageHoursAgo: 25, language: "zu" });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "resolved" }, { requestId: "test-request-2" }, env.db);
    await runJobs(env.db);

    const [message] = env.twilio.messages;
    expect(message).toMatchObject({
      from: "whatsapp:+27105550100",
      to: `whatsapp:${phone}`,
      body: null,
      contentSid: "HX00000000000000000000000000000000",
    });
    expect(JSON.parse(message!.contentVariables!)).toEqual({ "1": ticket.reference, "2": WHATSAPP_MESSAGES.zu["status:resolved"] });
    const [delivery] = await deliveriesOf(ticket.id);
    expect(delivery).toMatchObject({ kind: "template", templateContentSid: "HX00000000000000000000000000000000", locale: "zu" });
  });

  it("uses the template for a resident who never wrote", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: null });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "acknowledged" }, { requestId: "test-request-3" }, env.db);
    await runJobs(env.db);
    expect(env.twilio.messages[0]).toMatchObject({ body: null, contentSid: "HX00000000000000000000000000000000" });
  });

  it("says nothing about a confidential report but its status", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1, sensitive: true });
    const saps: Actor = { ...manager, role: "saps_liaison" };
    await changeTicketStatus(saps, { ticketId: ticket.id, status: "assigned" }, { requestId: "test-request-4" }, env.db);
    await runJobs(env.db);
    expect(env.twilio.messages.map((message) => message.body)).toEqual([`Update on your report ${ticket.reference} to City of Tshwane. Status: Assigned to a team.`]);
  });

  it("is skipped outside the window without a template", async () => {
    await env.db.update(tenants).set({ settings: {} }).where(eq(tenants.id, env.tshwane.id));
    try {
      const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 30 });
      await changeTicketStatus(manager, { ticketId: ticket.id, status: "closed" }, { requestId: "test-request-5" }, env.db);
      await runJobs(env.db);
      expect(env.twilio.messages).toEqual([]);
      const [delivery] = await deliveriesOf(ticket.id);
      expect(delivery).toMatchObject({ kind: "template", status: "skipped" });
      expect(delivery!.errorMessage).toContain("whatsapp.statusTemplateContentSid");
    } finally {
      await env.db.update(tenants).set({ settings: env.tshwane.settings }).where(eq(tenants.id, env.tshwane.id));
    }
  });

  it("retries when Twilio fails, then sends once", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    env.twilio.failNextMessages([{ status: 503, code: 20503, message: "Service unavailable" }]);
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-6" }, env.db);
    const start = Date.now() + 1000;
    expect(await runDueJobs({ db: env.db, now: new Date(start) })).toMatchObject({ retried: 1 });
    expect(await deliveriesOf(ticket.id)).toEqual([]);
    expect(await runDueJobs({ db: env.db, now: new Date(start + retryDelayMs(1)) })).toMatchObject({ done: 1 });
    expect(env.twilio.messages).toHaveLength(1);
    expect((await deliveriesOf(ticket.id)).map((delivery) => delivery.status)).toEqual(["queued"]);
  });

  it("records a rejection with Twilio's error code", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    env.twilio.failNextMessages([{ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." }]);
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-7" }, env.db);
    expect(await runJobs(env.db)).toMatchObject({ done: 1, retried: 0 });
    const [delivery] = await deliveriesOf(ticket.id);
    expect(delivery).toMatchObject({ status: "failed", errorCode: "21211", transport: "twilio" });
  });
});

describe("delivery status callback", () => {
  it("records delivery and failure codes", async () => {
    const first = await residentWithTicket({ lastMessageHoursAgo: 1 });
    const second = await residentWithTicket({ lastMessageHoursAgo: 1 });
    await changeTicketStatus(manager, { ticketId: first.ticket.id, status: "in_progress" }, { requestId: "test-request-8" }, env.db);
    await changeTicketStatus(manager, { ticketId: second.ticket.id, status: "in_progress" }, { requestId: "test-request-9" }, env.db);
    await runJobs(env.db);
    const sidOf = (phone: string) => env.twilio.messages.find((message) => message.to === `whatsapp:${phone}`)!.sid;

    const delivered = await postStatusCallback([
      ["MessageSid", sidOf(first.phone)],
      ["MessageStatus", "delivered"],
      ["From", "whatsapp:+27105550100"],
      ["To", `whatsapp:${first.phone}`],
    ]);
    expect(delivered.status).toBe(200);
    expect(delivered.contentType).toMatch(/^text\/xml/);
    expect(delivered.setCookie).toBeNull();
    // A late "sent" does not move a delivered message back.
    await postStatusCallback([
      ["MessageSid", sidOf(first.phone)],
      ["MessageStatus", "sent"],
      ["From", "whatsapp:+27105550100"],
    ]);
    expect((await deliveriesOf(first.ticket.id))[0]).toMatchObject({ status: "delivered", providerStatus: "delivered", errorCode: null });

    await postStatusCallback([
      ["MessageSid", sidOf(second.phone)],
      ["MessageStatus", "undelivered"],
      ["ErrorCode", "63016"],
      ["From", "whatsapp:+27105550100"],
    ]);
    expect((await deliveriesOf(second.ticket.id))[0]).toMatchObject({ status: "undelivered", errorCode: "63016" });
  });

  it("rejects a forged callback", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-10" }, env.db);
    await runJobs(env.db);
    const params: [string, string][] = [
      ["MessageSid", env.twilio.messages[0]!.sid],
      ["MessageStatus", "failed"],
      ["From", "whatsapp:+27105550100"],
    ];
    const signature = signTwilioRequest("another-token", STATUS_URL, params);
    const result = await postToRoute(statusRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/status`, body: new URLSearchParams(params).toString(), signature });
    expect(result.status).toBe(403);
    expect((await deliveriesOf(ticket.id))[0]!.status).toBe("queued");
  });
});

describe("listTicketNotifications", () => {
  it("lists kind and delivery state for staff", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-11" }, env.db);
    await runJobs(env.db);
    const listed = await listTicketNotifications(manager, ticket.id, env.db);
    expect(listed).toEqual([expect.objectContaining({ ticketStatus: "in_progress", kind: "free_text", transport: "twilio", status: "queued" })]);
    expect(listed[0]).not.toHaveProperty("recipientPhone");
  });

  it("rejects a resident", async () => {
    const { resident, ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    const actor: Actor = { userId: resident.id, tenantId: env.tshwane.id, tenantSlug: "tshwane", role: "resident", name: resident.name };
    await expect(listTicketNotifications(actor, ticket.id, env.db)).rejects.toBeInstanceOf(AppError);
  });
});

describe("without Twilio credentials", () => {
  it("writes the notification to the development outbox", async () => {
    const sid = process.env.TWILIO_ACCOUNT_SID;
    delete process.env.TWILIO_ACCOUNT_SID;
    resetEnvForTests();
    try {
      const { phone, ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
      await changeTicketStatus(manager, { ticketId: ticket.id, status: "rejected" }, { requestId: "test-request-12" }, env.db);
      await runJobs(env.db);
      expect(env.twilio.requests).toEqual([]);
      const outbox = await env.db.select().from(devOutbox).where(eq(devOutbox.recipient, phone));
      expect(outbox.map((row) => row.body)).toEqual([`Update on your report ${ticket.reference} to City of Tshwane. Status: Not accepted.`]);
      const [delivery] = await deliveriesOf(ticket.id);
      expect(delivery).toMatchObject({ transport: "outbox", status: "outbox", kind: "free_text" });
    } finally {
      process.env.TWILIO_ACCOUNT_SID = sid;
      resetEnvForTests();
    }
  });

  it("queues no job twice for one change", async () => {
    const { ticket } = await residentWithTicket({ lastMessageHoursAgo: 1 });
    await changeTicketStatus(manager, { ticketId: ticket.id, status: "in_progress" }, { requestId: "test-request-13" }, env.db);
    const queued = (await env.db.select().from(jobs).where(eq(jobs.kind, TICKET_STATUS_NOTIFICATION_JOB))).filter((job) => job.payload.ticketId === ticket.id);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.payload).toEqual({ ticketId: ticket.id, status: "in_progress" });
  });
});
