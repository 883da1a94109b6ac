import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents, mediaAttachments } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { generateKey } from "@/lib/crypto/fernet";
import { Keyring } from "@/lib/crypto/keyring";
import { AppError } from "@/lib/errors";
import { getTicketForStaffOrThrow } from "@/lib/tickets/get-ticket";
import { listTicketsForStaff } from "@/lib/tickets/list-tickets";
import { getAttachmentUrl } from "@/lib/uploads/get-attachment-url";
import { startUploadTestEnvironment, type UploadTestEnvironment } from "@/lib/uploads/test-factories";
import { insertProcessedPhoto } from "@/lib/media/testing/processed-photo";
import { actorFor, insertMunicipality, type Municipality } from "@/test/factories";
import { createConfidentialReport } from "./create-confidential-report";

// Evidence on a confidential report: only the saps_liaison of the ticket's tenant may open it,
// every opening is audited, and other staff get only the number of files.

const ctx = { requestId: "test-gbv-evidence", locale: "en" as const };

let environment: UploadTestEnvironment;
let town: Municipality;
let elsewhere: Municipality;
let ticketId: string;
let fileId: string;

async function accessEvents(actor: Actor): Promise<string[]> {
  const events = await withSystem(
    (tx) =>
      tx
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .innerJoin(mediaAttachments, eq(mediaAttachments.id, auditEvents.targetId))
        .where(and(eq(mediaAttachments.fileId, fileId), eq(auditEvents.actorId, actor.userId))),
    environment.db,
  );
  return events.map((event) => event.action).sort();
}

beforeAll(async () => {
  environment = await startUploadTestEnvironment();
  town = await insertMunicipality(environment.db);
  elsewhere = await insertMunicipality(environment.db);
  const photo = await insertProcessedPhoto(environment.db, { tenantId: town.tenant.id, ownerId: town.resident.id, originalFilename: "injury.jpg" });
  fileId = photo.fileId;
  const keyring = new Keyring({ current: generateKey(), previous: [] });
  ({ id: ticketId } = await createConfidentialReport(
    actorFor(town.resident, town.tenant),
    { account: "Photo of the injury is attached.", attachmentFileIds: [fileId] },
    { requestId: "test-gbv-evidence" },
    { db: environment.db, keyring },
  ));
});

afterAll(async () => {
  await environment?.close();
});

describe("GBV evidence access", () => {
  it("refused to everyone but the liaison", async () => {
    const refused: [string, Actor, string][] = [
      ["agent", actorFor(town.agent, town.tenant), "forbidden"],
      ["manager", actorFor(town.manager, town.tenant), "forbidden"],
      ["reporting resident", actorFor(town.resident, town.tenant), "not_found"],
      ["other tenant liaison", actorFor(elsewhere.sapsLiaison, elsewhere.tenant), "not_found"],
      ["other tenant resident", actorFor(elsewhere.resident, elsewhere.tenant), "not_found"],
    ];

    for (const [name, actor, code] of refused) {
      for (const disposition of ["inline", "attachment"] as const) {
        const error = await getAttachmentUrl(actor, fileId, { disposition }, ctx).catch((caught: unknown) => caught);
        expect(error, `${name} ${disposition}`).toBeInstanceOf(AppError);
        expect((error as AppError).code, `${name} ${disposition}`).toBe(code);
      }
      expect(await accessEvents(actor), name).toEqual([]);
    }
  });

  it("liaison views and downloads, each audited", async () => {
    const liaison = actorFor(town.sapsLiaison, town.tenant);

    const inline = await getAttachmentUrl(liaison, fileId, { disposition: "inline" }, ctx);
    const original = await getAttachmentUrl(liaison, fileId, { disposition: "attachment" }, ctx);
    await getAttachmentUrl(liaison, fileId, { disposition: "inline" }, ctx);

    expect(inline).toMatch(/^\/api\/storage\/object\?/);
    expect(original).toMatch(/^\/api\/storage\/object\?/);
    expect(await accessEvents(liaison)).toEqual(["attachment.original_downloaded", "attachment.viewed", "attachment.viewed"]);
  });

  it("other staff see only a count", async () => {
    for (const user of [town.agent, town.manager]) {
      const actor = actorFor(user, town.tenant);
      const detail = await getTicketForStaffOrThrow(actor, ticketId, environment.db);
      expect(detail.attachments, user.role).toEqual([]);
      expect(detail.attachmentCount, user.role).toBe(1);
      expect(detail.reporterName, user.role).toBeNull();
      expect(detail.description, user.role).toBe("GBV incident report");
      const { items } = await listTicketsForStaff(actor, {}, environment.db);
      const listed = items.find((item) => item.id === ticketId);
      expect(listed, user.role).toMatchObject({ description: "GBV incident report", attachmentCount: 1, addressText: null, isSensitive: true });
    }

    const liaisonView = await getTicketForStaffOrThrow(actorFor(town.sapsLiaison, town.tenant), ticketId, environment.db);
    expect(liaisonView.attachments.map((attachment) => attachment.fileId)).toEqual([fileId]);
    expect(liaisonView.attachments[0]!.originalFilename).toBe("evidence-1.jpg");
  });
});
