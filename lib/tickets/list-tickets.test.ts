import { generateKey } from "@/lib/crypto/fernet";
import { Keyring } from "@/lib/crypto/keyring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertCategory, insertMunicipality, insertTicket, insertUser, type Municipality, type TicketRow } from "@/test/factories";
import { listTicketsForResident, listTicketsForStaff } from "./list-tickets";

let database: TestDatabase;
let home: Municipality;
let elsewhere: Municipality;
let homeTickets: TicketRow[];
let sensitiveTicket: TicketRow;

beforeAll(async () => {
  database = await createTestDatabase();
  home = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
  const water = await insertCategory(database.db, { tenantId: home.tenant.id, name: "Water and sanitation" });
  const base = Date.parse("2026-03-01T08:00:00Z");
  homeTickets = [];

  // Groups of three share a timestamp, so the id must break ties between pages.
  for (let index = 0; index < 24; index += 1) {
    homeTickets.push(
      await insertTicket(database.db, {
        tenantId: home.tenant.id,
        reporterId: home.resident.id,
        categoryId: index % 2 === 0 ? home.category.id : water.id,
        status: index % 4 === 0 ? "resolved" : "new",
        createdAt: new Date(base + Math.floor(index / 3) * 60_000),
      }),
    );
  }
  // Database-assigned times carry microseconds, which a millisecond cursor would lose.
  for (let index = 0; index < 5; index += 1) {
    homeTickets.push(await insertTicket(database.db, { tenantId: home.tenant.id, reporterId: home.resident.id, categoryId: home.category.id }));
  }
  sensitiveTicket = await insertTicket(database.db, {
    tenantId: home.tenant.id,
    reporterId: home.resident.id,
    categoryId: home.sensitiveCategory.id,
    isSensitive: true,
    description: "GBV incident report",
    addressText: "14 Jacaranda Street",
    encryptedDescription: new Keyring({ current: generateKey(), previous: [] }).encrypt("The account stays encrypted."),
  });
  homeTickets.push(sensitiveTicket);
  await insertAttachment(database.db, { tenantId: home.tenant.id, ownerId: home.resident.id, ticketId: homeTickets[0]!.id });
  await insertAttachment(database.db, { tenantId: home.tenant.id, ownerId: home.resident.id, ticketId: homeTickets[0]!.id });

  for (let index = 0; index < 3; index += 1) {
    await insertTicket(database.db, { tenantId: elsewhere.tenant.id, reporterId: elsewhere.resident.id, categoryId: elsewhere.category.id });
  }
});

afterAll(async () => {
  await database?.drop();
});

describe("listTicketsForStaff", () => {
  it("returns every ticket exactly once across pages", async () => {
    const agent = actorFor(home.agent, home.tenant);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTicketsForStaff(agent, { limit: 7, cursor }, database.db);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      expect(pages).toBeLessThan(20);
    } while (cursor);

    expect(seen.length).toBe(homeTickets.length);
    expect(new Set(seen)).toEqual(new Set(homeTickets.map((ticket) => ticket.id)));
    expect(pages).toBe(Math.ceil(homeTickets.length / 7));
  });

  it("orders newest first", async () => {
    const { items } = await listTicketsForStaff(actorFor(home.manager, home.tenant), { limit: 100 }, database.db);
    for (let index = 1; index < items.length; index += 1) {
      expect(items[index - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(items[index]!.createdAt.getTime());
    }
  });

  it("defaults to 25 per page", async () => {
    const page = await listTicketsForStaff(actorFor(home.agent, home.tenant), {}, database.db);
    expect(page.items.length).toBe(25);
    expect(page.nextCursor).not.toBeNull();
  });

  it("filters by status and category", async () => {
    const agent = actorFor(home.agent, home.tenant);
    const resolved = await listTicketsForStaff(agent, { status: "resolved", limit: 100 }, database.db);
    expect(resolved.items.length).toBe(homeTickets.filter((ticket) => ticket.status === "resolved").length);
    expect(resolved.items.every((item) => item.status === "resolved")).toBe(true);

    const roads = await listTicketsForStaff(agent, { categoryId: home.category.id, limit: 100 }, database.db);
    expect(roads.items.length).toBe(homeTickets.filter((ticket) => ticket.categoryId === home.category.id).length);
    expect(roads.items.every((item) => item.categoryName === home.category.name)).toBe(true);
  });

  it("counts attachments", async () => {
    const { items } = await listTicketsForStaff(actorFor(home.agent, home.tenant), { limit: 100 }, database.db);
    expect(items.find((item) => item.id === homeTickets[0]!.id)?.attachmentCount).toBe(2);
    expect(items.find((item) => item.id === homeTickets[1]!.id)?.attachmentCount).toBe(0);
  });

  it("lists sensitive tickets with the generic text", async () => {
    const agentView = await listTicketsForStaff(actorFor(home.agent, home.tenant), { limit: 100 }, database.db);
    const listed = agentView.items.find((item) => item.id === sensitiveTicket.id);
    expect(listed?.isSensitive).toBe(true);
    expect(listed?.description).toBe("GBV incident report");
    expect(listed?.addressText).toBeNull();

    const liaisonView = await listTicketsForStaff(actorFor(home.sapsLiaison, home.tenant), { limit: 100 }, database.db);
    expect(liaisonView.items.find((item) => item.id === sensitiveTicket.id)?.addressText).toBe("14 Jacaranda Street");
  });

  it("shows only the actor's tenant", async () => {
    const { items } = await listTicketsForStaff(actorFor(elsewhere.agent, elsewhere.tenant), { limit: 100 }, database.db);
    expect(items.length).toBe(3);
  });

  it("rejects a resident", async () => {
    await expect(listTicketsForStaff(actorFor(home.resident, home.tenant), {}, database.db)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("rejects an invalid limit or cursor", async () => {
    const agent = actorFor(home.agent, home.tenant);
    for (const input of [{ limit: 0 }, { limit: 101 }, { limit: 2.5 }, { cursor: "not-a-cursor" }]) {
      await expect(listTicketsForStaff(agent, input, database.db), JSON.stringify(input)).rejects.toMatchObject({ code: "invalid_input" });
    }
  });
});

describe("listTicketsForResident", () => {
  it("returns only the resident's own tickets", async () => {
    const neighbour = await insertUser(database.db, { tenantId: home.tenant.id, role: "resident" });
    const own = await insertTicket(database.db, { tenantId: home.tenant.id, reporterId: neighbour.id, categoryId: home.category.id });

    const items = await listTicketsForResident(actorFor(neighbour, home.tenant), database.db);
    expect(items.map((item) => item.id)).toEqual([own.id]);
  });

  it("shows the resident their own address", async () => {
    const items = await listTicketsForResident(actorFor(home.resident, home.tenant), database.db);
    expect(items.find((item) => item.id === sensitiveTicket.id)?.addressText).toBe("14 Jacaranda Street");
  });

  it("rejects staff", async () => {
    await expect(listTicketsForResident(actorFor(home.agent, home.tenant), database.db)).rejects.toMatchObject({ code: "forbidden" });
  });
});
