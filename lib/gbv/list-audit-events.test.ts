import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { generateKey } from "@/lib/crypto/fernet";
import { Keyring } from "@/lib/crypto/keyring";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertMunicipality, type Municipality } from "@/test/factories";
import { DETAILS_REVEALED } from "./audit-actions";
import { createConfidentialReport } from "./create-confidential-report";
import { listAuditEvents } from "./list-audit-events";
import { revealSensitiveDetails } from "./reveal-sensitive-details";

const REASON = "Follow-up interview scheduled with the complainant";

let database: TestDatabase;
let town: Municipality;
let elsewhere: Municipality;
let liaison: Actor;
let manager: Actor;
let reference: string;
let ticketId: string;
let attachmentId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  town = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
  liaison = actorFor(town.sapsLiaison, town.tenant);
  manager = actorFor(town.manager, town.tenant);
  const keyring = new Keyring({ current: generateKey(), previous: [] });
  const photo = await insertAttachment(database.db, { tenantId: town.tenant.id, ownerId: town.resident.id });
  attachmentId = photo.id;
  ({ id: ticketId, reference } = await createConfidentialReport(
    actorFor(town.resident, town.tenant),
    { account: "Account for the audit page test.", attachmentFileIds: [photo.fileId] },
    { requestId: "test-audit-create" },
    { db: database.db, keyring },
  ));
  for (const requestId of ["request-1", "request-2", "request-3"]) {
    await revealSensitiveDetails(ticketId, liaison, REASON, { requestId }, { db: database.db, keyring });
  }
  await withSystem(
    (tx) =>
      tx.insert(auditEvents).values([
        {
          tenantId: town.tenant.id,
          actorId: town.sapsLiaison.id,
          action: "attachment.original_downloaded",
          targetType: "media_attachment",
          targetId: attachmentId,
          requestId: "request-download",
          metadata: { ticketId, sensitive: true },
        },
        // Another tenant's reveal, which this tenant's audit page must not show.
        {
          tenantId: elsewhere.tenant.id,
          actorId: elsewhere.sapsLiaison.id,
          action: DETAILS_REVEALED,
          targetType: "ticket",
          targetId: null,
          reason: "Another municipality's reveal",
        },
      ]),
    database.db,
  );
});

afterAll(async () => {
  await database?.drop();
});

describe("listAuditEvents", () => {
  it("manager sees reveals and evidence access", async () => {
    const { items, nextCursor } = await listAuditEvents(manager, {}, database.db);

    expect(nextCursor).toBeNull();
    expect(items.map((item) => item.requestId)).toEqual(["request-download", "request-3", "request-2", "request-1"]);
    expect(items[1]).toMatchObject({
      action: DETAILS_REVEALED,
      actorName: town.sapsLiaison.name,
      actorRole: "saps_liaison",
      ticketId,
      ticketReference: reference,
      ticketIsSensitive: true,
      reason: REASON,
      fileId: null,
    });
    expect(items[0]).toMatchObject({ action: "attachment.original_downloaded", ticketReference: reference, fileId: expect.any(String) });
    expect(items.some((item) => item.reason === "Another municipality's reveal")).toBe(false);
  });

  it("pages newest first", async () => {
    const first = await listAuditEvents(liaison, { limit: 3 }, database.db);
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();

    const second = await listAuditEvents(liaison, { limit: 3, cursor: first.nextCursor! }, database.db);
    expect(second.items.map((item) => item.requestId)).toEqual(["request-1"]);
    expect(second.nextCursor).toBeNull();
  });

  it("filters by kind", async () => {
    const reveals = await listAuditEvents(liaison, { kind: "reveals" }, database.db);
    const evidence = await listAuditEvents(liaison, { kind: "evidence" }, database.db);

    expect(reveals.items.map((item) => item.action)).toEqual([DETAILS_REVEALED, DETAILS_REVEALED, DETAILS_REVEALED]);
    expect(evidence.items.map((item) => item.action)).toEqual(["attachment.original_downloaded"]);
  });

  it("agent and resident rejected", async () => {
    await expect(listAuditEvents(actorFor(town.agent, town.tenant), {}, database.db)).rejects.toMatchObject({ code: "forbidden" });
    await expect(listAuditEvents(actorFor(town.resident, town.tenant), {}, database.db)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("bad cursor is invalid input", async () => {
    await expect(listAuditEvents(manager, { cursor: "not-a-cursor" }, database.db)).rejects.toMatchObject({ code: "invalid_input" });
  });
});
