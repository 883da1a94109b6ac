import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertMunicipality, insertTicket, insertUser, type Municipality, type TicketRow } from "@/test/factories";
import { changeTicketStatus } from "./change-ticket-status";
import { getTicketForResidentOrThrow } from "./get-resident-ticket";

let database: TestDatabase;
let home: Municipality;
let elsewhere: Municipality;
let pothole: TicketRow;
let confidential: TicketRow;

beforeAll(async () => {
  database = await createTestDatabase();
  home = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
  pothole = await insertTicket(database.db, {
    tenantId: home.tenant.id,
    reporterId: home.resident.id,
    categoryId: home.category.id,
    reference: "TSH-2026-000101",
    description: "Pothole on Church Street",
    addressText: "12 Church Street",
  });
  confidential = await insertTicket(database.db, {
    tenantId: home.tenant.id,
    reporterId: home.resident.id,
    categoryId: home.sensitiveCategory.id,
    isSensitive: true,
    reference: "TSH-2026-000102",
    description: "GBV incident report",
  });
  await insertAttachment(database.db, { tenantId: home.tenant.id, ownerId: home.resident.id, ticketId: pothole.id, originalFilename: "Zoë's photo.jpg" });
  await insertAttachment(database.db, {
    tenantId: home.tenant.id,
    ownerId: home.resident.id,
    ticketId: pothole.id,
    state: "processed",
    thumbnailKey: "thumbnail-key",
  });

  const ctx = { requestId: "test-resident-ticket" };
  const agent = actorFor(home.agent, home.tenant);
  await changeTicketStatus(agent, { ticketId: pothole.id, status: "in_progress", note: "Crew from the Pretoria depot, internal only" }, ctx, database.db);
  await changeTicketStatus(agent, { ticketId: pothole.id, status: "resolved" }, ctx, database.db);
});

afterAll(async () => {
  await database?.drop();
});

describe("getTicketForResidentOrThrow", () => {
  it("returns the reporter's own report", async () => {
    const report = await getTicketForResidentOrThrow(actorFor(home.resident, home.tenant), pothole.reference, database.db);
    expect(report.reference).toBe(pothole.reference);
    expect(report.status).toBe("resolved");
    expect(report.description).toBe("Pothole on Church Street");
    expect(report.addressText).toBe("12 Church Street");
    expect(report.attachments.map((file) => file.hasThumbnail)).toEqual([false, true]);
    expect(report.attachments[0]?.originalFilename).toBe("Zoë's photo.jpg");
  });

  it("lists status changes without staff notes", async () => {
    const report = await getTicketForResidentOrThrow(actorFor(home.resident, home.tenant), pothole.reference, database.db);
    expect(report.statusChanges.map((change) => change.status)).toEqual(["in_progress", "resolved"]);
    expect(JSON.stringify(report)).not.toContain("Pretoria depot");
    expect(JSON.stringify(report)).not.toContain(home.agent.name);
  });

  it("accepts a lower-case reference", async () => {
    const report = await getTicketForResidentOrThrow(actorFor(home.resident, home.tenant), ` ${pothole.reference.toLowerCase()} `, database.db);
    expect(report.id).toBe(pothole.id);
  });

  it("hides other residents' reports", async () => {
    const neighbour = await insertUser(database.db, { tenantId: home.tenant.id, role: "resident" });
    await expect(getTicketForResidentOrThrow(actorFor(neighbour, home.tenant), pothole.reference, database.db)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("hides reports across tenants", async () => {
    const stranger = { ...actorFor(home.resident, elsewhere.tenant) };
    await expect(getTicketForResidentOrThrow(stranger, pothole.reference, database.db)).rejects.toMatchObject({ code: "not_found" });
    await expect(getTicketForResidentOrThrow(actorFor(elsewhere.resident, elsewhere.tenant), pothole.reference, database.db)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("keeps confidential reports off the web", async () => {
    await expect(getTicketForResidentOrThrow(actorFor(home.resident, home.tenant), confidential.reference, database.db)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("rejects malformed references and staff", async () => {
    await expect(getTicketForResidentOrThrow(actorFor(home.resident, home.tenant), "../../etc", database.db)).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getTicketForResidentOrThrow(actorFor(home.agent, home.tenant), pothole.reference, database.db)).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});
