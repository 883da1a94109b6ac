import { execFileSync } from "node:child_process";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents, jobs, mediaAttachments, tickets } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { resetAppKeyringForTests } from "@/lib/crypto/app-keyring";
import { generateKey } from "@/lib/crypto/fernet";
import { Keyring } from "@/lib/crypto/keyring";
import { resetEnvForTests } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertAttachment, insertCategory, insertMunicipality, type Municipality } from "@/test/factories";
import { decodeAccount, decodeSafeContact, GBV_GENERIC_DESCRIPTION } from "./confidential-details";
import { createConfidentialReport, neutralFilename, type CreateConfidentialReportInput } from "./create-confidential-report";

// Every word is six letters or longer and unusual, so that none can turn up in a dump by chance
// (inside base64 ciphertext, say) and each one that does turn up is a leak.
const TYPED: Required<Omit<CreateConfidentialReportInput, "attachmentFileIds">> = {
  account: "Sibusiso Ndlovu punched Zanele repeatedly, threatened Zanele's youngest children",
  when: "Saturday evening, approximately 21h30",
  place: "Mabopane Kgabalatsane crossroads",
  contactMethod: "sms",
  contactDetails: "Nokuthula cellphone 0729876543 weekdays mornings",
};

function typedWords(): string[] {
  const text = [TYPED.account, TYPED.when, TYPED.place, TYPED.contactDetails].join(" ");
  return [...new Set(text.split(/[^A-Za-z0-9]+/).filter((word) => word.length >= 5))];
}

const ctx = { requestId: "test-create-confidential-report" };

let database: TestDatabase;
let town: Municipality;
let resident: Actor;
let keyring: Keyring;

beforeAll(async () => {
  database = await createTestDatabase();
  town = await insertMunicipality(database.db);
  resident = actorFor(town.resident, town.tenant);
  keyring = new Keyring({ current: generateKey(), previous: [] });
});

afterAll(async () => {
  await database?.drop();
});

async function storedTicket(id: string) {
  const [row] = await withSystem((tx) => tx.select().from(tickets).where(eq(tickets.id, id)), database.db);
  return row!;
}

describe("createConfidentialReport", () => {
  it("stores details only encrypted", async () => {
    const { id, reference } = await createConfidentialReport(resident, { ...TYPED, attachmentFileIds: [] }, ctx, { db: database.db, keyring });

    const row = await storedTicket(id);
    expect(reference).toMatch(new RegExp(`^${town.tenant.code}-\\d{4}-\\d{6}$`));
    expect(row.description).toBe(GBV_GENERIC_DESCRIPTION);
    expect(row.isSensitive).toBe(true);
    expect(row.categoryId).toBe(town.sensitiveCategory.id);
    expect(row.addressText).toBeNull();
    expect(row.latitude).toBeNull();
    expect(row.longitude).toBeNull();
    expect(decodeAccount(keyring.decryptText(row.encryptedDescription!))).toEqual({ account: TYPED.account, when: TYPED.when });
    expect(keyring.decryptText(row.encryptedLocation!)).toBe(TYPED.place);
    expect(decodeSafeContact(keyring.decryptText(row.encryptedSafeContact!))).toEqual({ method: "sms", details: TYPED.contactDetails });
  });

  it("optional details stay null", async () => {
    const { id } = await createConfidentialReport(resident, { account: "Only the account is given here." }, ctx, { db: database.db, keyring });

    const row = await storedTicket(id);
    expect(decodeAccount(keyring.decryptText(row.encryptedDescription!))).toEqual({ account: "Only the account is given here.", when: null });
    expect(row.encryptedLocation).toBeNull();
    expect(row.encryptedSafeContact).toBeNull();
  });

  it("prefers category with slug gbv", async () => {
    const other = await insertMunicipality(database.db);
    const gbv = await insertCategory(database.db, { tenantId: other.tenant.id, slug: "gbv", name: "GBV", isSensitive: true, sortOrder: 90 });

    const { id } = await createConfidentialReport(actorFor(other.resident, other.tenant), { account: "Filed under the gbv slug." }, ctx, {
      db: database.db,
      keyring,
    });

    expect((await storedTicket(id)).categoryId).toBe(gbv.id);
  });

  it("audit metadata holds no details", async () => {
    const { id, reference } = await createConfidentialReport(resident, { ...TYPED }, ctx, { db: database.db, keyring });

    const events = await withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.targetId, id)), database.db);
    expect(events).toHaveLength(1);
    expect(events[0]!.action).toBe("ticket.created");
    expect(events[0]!.metadata).toEqual({ reference, categoryId: town.sensitiveCategory.id, channel: "web", attachmentCount: 0, confidential: true });
    expect(events[0]!.reason).toBeNull();
  });

  it("attaches evidence under neutral names", async () => {
    const photo = await insertAttachment(database.db, { tenantId: town.tenant.id, ownerId: town.resident.id, originalFilename: "Sibusiso did this.JPG" });
    const note = await insertAttachment(database.db, {
      tenantId: town.tenant.id,
      ownerId: town.resident.id,
      originalFilename: "voice note",
      contentType: "audio/ogg",
    });

    const { id } = await createConfidentialReport(resident, { account: "Evidence is attached to this one.", attachmentFileIds: [photo.fileId, note.fileId] }, ctx, {
      db: database.db,
      keyring,
    });

    const attached = await withSystem(
      (tx) => tx.select().from(mediaAttachments).where(eq(mediaAttachments.ticketId, id)).orderBy(mediaAttachments.createdAt),
      database.db,
    );
    expect(attached.map((attachment) => attachment.originalFilename)).toEqual(["evidence-1.jpg", "evidence-2"]);
  });

  it("rejects another resident's upload", async () => {
    const neighbour = await insertMunicipality(database.db);
    const theirs = await insertAttachment(database.db, { tenantId: neighbour.tenant.id, ownerId: neighbour.resident.id });

    await expect(
      createConfidentialReport(resident, { account: "Trying to claim a foreign file.", attachmentFileIds: [theirs.fileId] }, ctx, {
        db: database.db,
        keyring,
      }),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("rejects staff", async () => {
    for (const user of [town.agent, town.manager, town.sapsLiaison]) {
      await expect(
        createConfidentialReport(actorFor(user, town.tenant), { account: "Staff cannot file these." }, ctx, { db: database.db, keyring }),
      ).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("short account fails without echo", async () => {
    const error = await createConfidentialReport(resident, { account: "Zanele", place: "x".repeat(501) }, ctx, { db: database.db, keyring }).catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_input");
    expect(Object.keys((error as AppError).fieldErrors ?? {}).sort()).toEqual(["account", "place"]);
    expect(JSON.stringify({ message: (error as AppError).message, fields: (error as AppError).fieldErrors })).not.toContain("Zanele");
  });

  it("missing key is unavailable", async () => {
    const saved = process.env.ENCRYPTION_KEY_CURRENT;
    delete process.env.ENCRYPTION_KEY_CURRENT;
    resetEnvForTests();
    resetAppKeyringForTests();
    try {
      await expect(createConfidentialReport(resident, { account: "No key is configured now." }, ctx, { db: database.db })).rejects.toMatchObject({
        code: "unavailable",
        message: expect.stringMatching(/ENCRYPTION_KEY_CURRENT is not set/),
      });
    } finally {
      if (saved !== undefined) process.env.ENCRYPTION_KEY_CURRENT = saved;
      resetEnvForTests();
      resetAppKeyringForTests();
    }
  });

  it("database dump has no typed words", async () => {
    const photo = await insertAttachment(database.db, { tenantId: town.tenant.id, ownerId: town.resident.id, originalFilename: "Ndlovu-bruises.jpg" });
    const { reference } = await createConfidentialReport(resident, { ...TYPED, attachmentFileIds: [photo.fileId] }, ctx, { db: database.db, keyring });
    await withSystem(
      (tx) => tx.insert(jobs).values({ tenantId: town.tenant.id, kind: "media.process", payload: { fileId: photo.fileId } }),
      database.db,
    );

    const dump = execFileSync("pg_dump", ["--dbname", database.url], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

    expect(dump).toContain(reference);
    expect(dump).toContain(GBV_GENERIC_DESCRIPTION);
    const lowerDump = dump.toLowerCase();
    for (const word of typedWords()) expect(lowerDump, word).not.toContain(word.toLowerCase());
    const [row] = await withSystem(
      (tx) => tx.select().from(tickets).where(and(eq(tickets.reference, reference), eq(tickets.tenantId, town.tenant.id))),
      database.db,
    );
    expect(dump).toContain(row!.encryptedDescription as unknown as string);
  });
});

describe("neutralFilename", () => {
  it("keeps a plain extension", () => {
    expect(neutralFilename(1, "Photo of Sipho.JPEG")).toBe("evidence-1.jpeg");
    expect(neutralFilename(3, "no extension")).toBe("evidence-3");
    expect(neutralFilename(2, "odd.name.with spaces")).toBe("evidence-2");
  });
});
