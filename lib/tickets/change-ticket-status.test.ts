import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents, tickets } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertMunicipality, insertTicket, type Municipality } from "@/test/factories";
import { changeTicketStatus } from "./change-ticket-status";

const ctx = { requestId: "test-request-0002" };

let database: TestDatabase;
let home: Municipality;
let elsewhere: Municipality;

beforeAll(async () => {
  database = await createTestDatabase();
  home = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
});

afterAll(async () => {
  await database?.drop();
});

function newTicket(values: Partial<Parameters<typeof insertTicket>[1]> = {}) {
  return insertTicket(database.db, { tenantId: home.tenant.id, reporterId: home.resident.id, categoryId: home.category.id, ...values });
}

async function statusOf(ticketId: string) {
  const [row] = await withSystem((tx) => tx.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, ticketId)), database.db);
  return row?.status;
}

async function eventsOf(ticketId: string) {
  return withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.targetId, ticketId)), database.db);
}

describe("changeTicketStatus", () => {
  it("changes the status and audits it", async () => {
    const ticket = await newTicket();
    await changeTicketStatus(actorFor(home.agent, home.tenant), { ticketId: ticket.id, status: "in_progress", note: "Crew on site" }, ctx, database.db);

    expect(await statusOf(ticket.id)).toBe("in_progress");
    const events = await eventsOf(ticket.id);
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({
      action: "ticket.status_changed",
      actorId: home.agent.id,
      tenantId: home.tenant.id,
      requestId: ctx.requestId,
      metadata: { from: "new", to: "in_progress", note: "Crew on site" },
    });
  });

  it("rejects a resident", async () => {
    const ticket = await newTicket();
    const attempt = changeTicketStatus(actorFor(home.resident, home.tenant), { ticketId: ticket.id, status: "closed" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "forbidden" });
    expect(await statusOf(ticket.id)).toBe("new");
    expect(await eventsOf(ticket.id)).toEqual([]);
  });

  it("rejects an agent on a sensitive ticket", async () => {
    const ticket = await newTicket({ categoryId: home.sensitiveCategory.id, isSensitive: true, description: "GBV incident report" });
    const attempt = changeTicketStatus(actorFor(home.agent, home.tenant), { ticketId: ticket.id, status: "acknowledged" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "forbidden" });
    expect(await statusOf(ticket.id)).toBe("new");
    expect(await eventsOf(ticket.id)).toEqual([]);
  });

  it("lets the manager and SAPS liaison change a sensitive ticket", async () => {
    const ticket = await newTicket({ categoryId: home.sensitiveCategory.id, isSensitive: true, description: "GBV incident report" });
    await changeTicketStatus(actorFor(home.manager, home.tenant), { ticketId: ticket.id, status: "acknowledged" }, ctx, database.db);
    await changeTicketStatus(actorFor(home.sapsLiaison, home.tenant), { ticketId: ticket.id, status: "in_progress" }, ctx, database.db);
    expect(await statusOf(ticket.id)).toBe("in_progress");
    expect((await eventsOf(ticket.id)).length).toBe(2);
  });

  it("keeps a closed ticket closed", async () => {
    const ticket = await newTicket({ status: "closed" });
    const attempt = changeTicketStatus(actorFor(home.manager, home.tenant), { ticketId: ticket.id, status: "new" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "conflict" });
    expect(await statusOf(ticket.id)).toBe("closed");
  });

  it("reopens a resolved ticket", async () => {
    const ticket = await newTicket({ status: "resolved" });
    await changeTicketStatus(actorFor(home.agent, home.tenant), { ticketId: ticket.id, status: "in_progress" }, ctx, database.db);
    expect(await statusOf(ticket.id)).toBe("in_progress");
  });

  it("rejects the same status", async () => {
    const ticket = await newTicket({ status: "assigned" });
    const attempt = changeTicketStatus(actorFor(home.agent, home.tenant), { ticketId: ticket.id, status: "assigned" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
    expect(await eventsOf(ticket.id)).toEqual([]);
  });

  it("rejects an unknown status", async () => {
    const ticket = await newTicket();
    const attempt = changeTicketStatus(
      actorFor(home.agent, home.tenant),
      { ticketId: ticket.id, status: "done" as "resolved" },
      ctx,
      database.db,
    );
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("returns not_found for another tenant's ticket", async () => {
    const ticket = await newTicket();
    const attempt = changeTicketStatus(actorFor(elsewhere.manager, elsewhere.tenant), { ticketId: ticket.id, status: "rejected" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
    expect(await statusOf(ticket.id)).toBe("new");
  });

  it("returns not_found for a malformed id", async () => {
    const attempt = changeTicketStatus(actorFor(home.agent, home.tenant), { ticketId: "123", status: "resolved" }, ctx, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
  });
});
