import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents, mediaAttachments, tickets } from "@/db/schema";
import { createPgliteDatabase, createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertMunicipality, insertUser, type Municipality } from "@/test/factories";
import { createTicket } from "./create-ticket";
import { ticketYear } from "./ticket-reference";

const ctx = { requestId: "test-request-0001" };
const year = ticketYear(new Date());

let database: TestDatabase;
let tshwane: Municipality;
let msunduzi: Municipality;

function report(municipality: Municipality, extra: Partial<Parameters<typeof createTicket>[1]> = {}) {
  return { categoryId: municipality.category.id, description: "Deep pothole outside number 12 on Church Street.", attachmentFileIds: [], ...extra };
}

beforeAll(async () => {
  database = await createTestDatabase();
  tshwane = await insertMunicipality(database.db, { code: "TSH", slug: "tshwane" });
  msunduzi = await insertMunicipality(database.db, { code: "MSU", slug: "msunduzi" });
});

afterAll(async () => {
  await database?.drop();
});

describe("createTicket references", () => {
  it("numbers each tenant from 000001", async () => {
    const resident = actorFor(tshwane.resident, tshwane.tenant);
    const first = await createTicket(resident, report(tshwane), ctx, database.db);
    const second = await createTicket(resident, report(tshwane), ctx, database.db);
    const other = await createTicket(actorFor(msunduzi.resident, msunduzi.tenant), report(msunduzi), ctx, database.db);

    expect(first.reference).toBe(`TSH-${year}-000001`);
    expect(second.reference).toBe(`TSH-${year}-000002`);
    expect(other.reference).toBe(`MSU-${year}-000001`);
  });

  it("gives parallel reports consecutive numbers", async () => {
    const municipality = await insertMunicipality(database.db, { code: "PAR" });
    const resident = actorFor(municipality.resident, municipality.tenant);
    const results = await Promise.all(Array.from({ length: 8 }, () => createTicket(resident, report(municipality), ctx, database.db)));

    const numbers = results.map((result) => Number(result.reference.split("-")[2])).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(results.map((result) => result.id)).size).toBe(8);
  });
});

describe("createTicket", () => {
  it("stores the report and audits it", async () => {
    const resident = actorFor(tshwane.resident, tshwane.tenant);
    const created = await createTicket(
      resident,
      report(tshwane, { addressText: "12 Church Street", latitude: -25.7461, longitude: 28.1881 }),
      ctx,
      database.db,
    );

    const [ticket] = await withSystem((tx) => tx.select().from(tickets).where(eq(tickets.id, created.id)), database.db);
    expect(ticket?.status).toBe("new");
    expect(ticket?.channel).toBe("web");
    expect(ticket?.reporterId).toBe(tshwane.resident.id);
    expect(ticket?.addressText).toBe("12 Church Street");
    expect(ticket?.latitude).toBeCloseTo(-25.7461);

    const events = await withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.targetId, created.id)), database.db);
    expect(events.map((event) => event.action)).toEqual(["ticket.created"]);
    expect(events[0]?.actorId).toBe(tshwane.resident.id);
    expect(events[0]?.requestId).toBe(ctx.requestId);
    expect(events[0]?.metadata).toMatchObject({ reference: created.reference });
  });

  it("attaches the resident's uploads", async () => {
    const uploaded = await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: tshwane.resident.id, state: "uploaded" });
    const processed = await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: tshwane.resident.id, state: "processed" });
    const created = await createTicket(
      actorFor(tshwane.resident, tshwane.tenant),
      report(tshwane, { attachmentFileIds: [uploaded.fileId, processed.fileId] }),
      ctx,
      database.db,
    );

    const attached = await withSystem(
      (tx) => tx.select({ fileId: mediaAttachments.fileId }).from(mediaAttachments).where(eq(mediaAttachments.ticketId, created.id)),
      database.db,
    );
    expect(attached.map((row) => row.fileId).sort()).toEqual([uploaded.fileId, processed.fileId].sort());
  });

  it("rejects staff", async () => {
    for (const member of [tshwane.agent, tshwane.manager, tshwane.sapsLiaison]) {
      await expect(createTicket(actorFor(member, tshwane.tenant), report(tshwane), ctx, database.db)).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("rejects attachments that are not the resident's own", async () => {
    const neighbour = await insertUser(database.db, { tenantId: tshwane.tenant.id, role: "resident" });
    const cases = {
      "another resident's": await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: neighbour.id }),
      "another tenant's": await insertAttachment(database.db, { tenantId: msunduzi.tenant.id, ownerId: msunduzi.resident.id }),
      pending: await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: tshwane.resident.id, state: "pending" }),
      rejected: await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: tshwane.resident.id, state: "rejected" }),
      "proof of residence": await insertAttachment(database.db, {
        tenantId: tshwane.tenant.id,
        ownerId: tshwane.resident.id,
        purpose: "proof_of_residence",
      }),
    };
    const resident = actorFor(tshwane.resident, tshwane.tenant);
    for (const [name, attachment] of Object.entries(cases)) {
      const attempt = createTicket(resident, report(tshwane, { attachmentFileIds: [attachment.fileId] }), ctx, database.db);
      await expect(attempt, name).rejects.toMatchObject({ code: "not_found" });
    }
    const unknown = createTicket(resident, report(tshwane, { attachmentFileIds: [randomUUID()] }), ctx, database.db);
    await expect(unknown).rejects.toMatchObject({ code: "not_found" });
  });

  it("rejects an attachment already on a report", async () => {
    const resident = actorFor(tshwane.resident, tshwane.tenant);
    const attachment = await insertAttachment(database.db, { tenantId: tshwane.tenant.id, ownerId: tshwane.resident.id });
    await createTicket(resident, report(tshwane, { attachmentFileIds: [attachment.fileId] }), ctx, database.db);

    const again = createTicket(resident, report(tshwane, { attachmentFileIds: [attachment.fileId] }), ctx, database.db);
    await expect(again).rejects.toMatchObject({ code: "not_found" });
  });

  it("leaves no ticket behind when rejected", async () => {
    const municipality = await insertMunicipality(database.db);
    const resident = actorFor(municipality.resident, municipality.tenant);
    const failed = createTicket(resident, report(municipality, { attachmentFileIds: [randomUUID()] }), ctx, database.db);
    await expect(failed).rejects.toMatchObject({ code: "not_found" });

    const created = await createTicket(resident, report(municipality), ctx, database.db);
    expect(created.reference).toBe(`${municipality.tenant.code}-${year}-000001`);
    const rows = await withSystem((tx) => tx.select().from(tickets).where(eq(tickets.tenantId, municipality.tenant.id)), database.db);
    expect(rows.length).toBe(1);
  });

  it("rejects a sensitive category", async () => {
    const attempt = createTicket(
      actorFor(tshwane.resident, tshwane.tenant),
      report(tshwane, { categoryId: tshwane.sensitiveCategory.id }),
      ctx,
      database.db,
    );
    await expect(attempt).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("rejects another tenant's category", async () => {
    const attempt = createTicket(
      actorFor(tshwane.resident, tshwane.tenant),
      report(tshwane, { categoryId: msunduzi.category.id }),
      ctx,
      database.db,
    );
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
  });

  it("rejects invalid input with field errors", async () => {
    const resident = actorFor(tshwane.resident, tshwane.tenant);
    const cases = [
      { input: report(tshwane, { description: "short" }), field: "description" },
      { input: report(tshwane, { latitude: -25.7 }), field: "latitude" },
      { input: report(tshwane, { latitude: 91, longitude: 28 }), field: "latitude" },
      { input: report(tshwane, { attachmentFileIds: Array.from({ length: 6 }, () => randomUUID()) }), field: "attachmentFileIds" },
      { input: report(tshwane, { categoryId: "pothole" }), field: "categoryId" },
    ];
    for (const { input, field } of cases) {
      const error = await createTicket(resident, input, ctx, database.db).catch((caught: unknown) => caught);
      expect(error, field).toMatchObject({ code: "invalid_input" });
      expect(Object.keys((error as { fieldErrors: Record<string, string[]> }).fieldErrors), field).toContain(field);
    }
  });

  it("requires verified residence when the tenant asks for it", async () => {
    const municipality = await insertMunicipality(database.db, { settings: { requireVerifiedResidence: true } });
    const unverified = createTicket(actorFor(municipality.resident, municipality.tenant), report(municipality), ctx, database.db);
    await expect(unverified).rejects.toMatchObject({ code: "forbidden" });

    const verified = await insertUser(database.db, { tenantId: municipality.tenant.id, role: "resident", verificationStatus: "verified" });
    const created = await createTicket(actorFor(verified, municipality.tenant), report(municipality), ctx, database.db);
    expect(created.reference).toBe(`${municipality.tenant.code}-${year}-000001`);
  });

  it("records the WhatsApp channel", async () => {
    const created = await createTicket(
      actorFor(tshwane.resident, tshwane.tenant),
      report(tshwane),
      { ...ctx, channel: "whatsapp" },
      database.db,
    );
    const [ticket] = await withSystem(
      (tx) => tx.select({ channel: tickets.channel }).from(tickets).where(eq(tickets.id, created.id)),
      database.db,
    );
    expect(ticket?.channel).toBe("whatsapp");
  });
});

describe("createTicket on PGlite", () => {
  let pglite: TestDatabase;
  beforeAll(async () => {
    pglite = await createPgliteDatabase();
  });
  afterAll(async () => {
    await pglite?.drop();
  });

  it("numbers reports sequentially", async () => {
    const municipality = await insertMunicipality(pglite.db, { code: "TSH" });
    const resident = actorFor(municipality.resident, municipality.tenant);
    const first = await createTicket(resident, report(municipality), ctx, pglite.db);
    const second = await createTicket(resident, report(municipality), ctx, pglite.db);
    expect([first.reference, second.reference]).toEqual([`TSH-${year}-000001`, `TSH-${year}-000002`]);
  });
});
