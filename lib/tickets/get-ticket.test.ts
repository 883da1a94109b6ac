import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "@/db/client";
import { writeAuditEvent } from "@/lib/audit/write-audit-event";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertMunicipality, insertTicket, type Municipality, type TicketRow } from "@/test/factories";
import { getTicketForStaffOrThrow } from "./get-ticket";

let database: TestDatabase;
let home: Municipality;
let elsewhere: Municipality;
let ticket: TicketRow;
let sensitiveTicket: TicketRow;

beforeAll(async () => {
  database = await createTestDatabase();
  home = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
  ticket = await insertTicket(database.db, {
    tenantId: home.tenant.id,
    reporterId: home.resident.id,
    categoryId: home.category.id,
    latitude: -25.75,
    longitude: 28.19,
    addressText: "12 Church Street",
  });
  await insertAttachment(database.db, { tenantId: home.tenant.id, ownerId: home.resident.id, ticketId: ticket.id, originalFilename: "hole.jpg" });
  await insertAttachment(database.db, {
    tenantId: home.tenant.id,
    ownerId: home.resident.id,
    ticketId: ticket.id,
    state: "rejected",
    rejectionReason: "The file is not an image.",
    contentType: "image/png",
    sniffedContentType: null,
  });
  await withTenant(
    home.tenant.id,
    (tx) =>
      writeAuditEvent(tx, {
        tenantId: home.tenant.id,
        actorId: home.agent.id,
        action: "ticket.status_changed",
        targetType: "ticket",
        targetId: ticket.id,
        metadata: { from: "new", to: "acknowledged", note: "Crew informed" },
      }),
    database.db,
  );

  sensitiveTicket = await insertTicket(database.db, {
    tenantId: home.tenant.id,
    reporterId: home.resident.id,
    categoryId: home.sensitiveCategory.id,
    isSensitive: true,
    description: "GBV incident report",
    latitude: -25.7,
    longitude: 28.2,
    addressText: "14 Jacaranda Street",
  });
  await insertAttachment(database.db, { tenantId: home.tenant.id, ownerId: home.resident.id, ticketId: sensitiveTicket.id });
  await withTenant(
    home.tenant.id,
    (tx) =>
      writeAuditEvent(tx, {
        tenantId: home.tenant.id,
        actorId: home.sapsLiaison.id,
        action: "ticket.status_changed",
        targetType: "ticket",
        targetId: sensitiveTicket.id,
        metadata: { from: "new", to: "acknowledged", note: "Victim moved to a shelter" },
      }),
    database.db,
  );
});

afterAll(async () => {
  await database?.drop();
});

describe("getTicketForStaffOrThrow", () => {
  it("returns the ticket with attachments and history", async () => {
    const detail = await getTicketForStaffOrThrow(actorFor(home.agent, home.tenant), ticket.id, database.db);
    expect(detail.reference).toBe(ticket.reference);
    expect(detail.categoryName).toBe(home.category.name);
    expect(detail.reporterName).toBe(home.resident.name);
    expect(detail.latitude).toBeCloseTo(-25.75);
    expect(detail.attachmentCount).toBe(2);
    expect(detail.attachments.map((attachment) => attachment.originalFilename)).toContain("hole.jpg");
    expect(detail.attachments.find((attachment) => attachment.state === "rejected")).toMatchObject({
      rejectionReason: "The file is not an image.",
      contentType: "image/png",
    });
    expect(detail.history).toEqual([
      expect.objectContaining({ action: "ticket.status_changed", actorName: home.agent.name, metadata: expect.objectContaining({ note: "Crew informed" }) }),
    ]);
  });

  it("returns not_found for another tenant's ticket", async () => {
    const attempt = getTicketForStaffOrThrow(actorFor(elsewhere.manager, elsewhere.tenant), ticket.id, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "not_found" });
  });

  it("returns not_found for a malformed id", async () => {
    for (const id of ["", "42", "not-a-uuid", `${ticket.id}x`]) {
      await expect(getTicketForStaffOrThrow(actorFor(home.agent, home.tenant), id, database.db), id).rejects.toMatchObject({ code: "not_found" });
    }
  });

  it("rejects a resident", async () => {
    const attempt = getTicketForStaffOrThrow(actorFor(home.resident, home.tenant), ticket.id, database.db);
    await expect(attempt).rejects.toMatchObject({ code: "forbidden" });
  });

  it("withholds sensitive evidence from an agent", async () => {
    const detail = await getTicketForStaffOrThrow(actorFor(home.agent, home.tenant), sensitiveTicket.id, database.db);
    expect(detail.attachments).toEqual([]);
    expect(detail.attachmentCount).toBe(1);
    expect(detail.description).toBe("GBV incident report");
    expect(detail.latitude).toBeNull();
    expect(detail.addressText).toBeNull();
    expect(detail.reporterName).toBeNull();
    expect(detail.history[0]?.metadata).toEqual({ from: "new", to: "acknowledged" });
  });

  it("withholds sensitive evidence from a manager", async () => {
    const detail = await getTicketForStaffOrThrow(actorFor(home.manager, home.tenant), sensitiveTicket.id, database.db);
    expect(detail.attachments).toEqual([]);
    expect(detail.attachmentCount).toBe(1);
  });

  it("shows sensitive evidence to the SAPS liaison", async () => {
    const detail = await getTicketForStaffOrThrow(actorFor(home.sapsLiaison, home.tenant), sensitiveTicket.id, database.db);
    expect(detail.attachments.length).toBe(1);
    expect(detail.addressText).toBe("14 Jacaranda Street");
    expect(detail.reporterName).toBe(home.resident.name);
    expect(detail.history[0]?.metadata).toMatchObject({ note: "Victim moved to a shelter" });
  });
});
