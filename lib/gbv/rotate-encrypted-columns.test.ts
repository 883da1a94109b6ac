import fs from "node:fs";
import path from "node:path";
import { eq, inArray, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toRows, withSystem } from "@/db/client";
import { tickets } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { Fernet, generateKey } from "@/lib/crypto/fernet";
import { type EncryptedText, Keyring } from "@/lib/crypto/keyring";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertMunicipality, insertTicket, insertUser, type Municipality } from "@/test/factories";
import { createConfidentialReport, type CreateConfidentialReportInput } from "./create-confidential-report";
import { revealSensitiveDetails } from "./reveal-sensitive-details";
import { ENCRYPTED_COLUMNS, rotateEncryptedColumns } from "./rotate-encrypted-columns";

const REASON = "Rotation check: confirming every report still reveals";
const ctx = { requestId: "test-rotation" };

const REPORTS: CreateConfidentialReportInput[] = [
  { account: "First account, with every field filled in.", when: "Monday", place: "Ga-Rankuwa", contactMethod: "phone_call", contactDetails: "012 555 0101" },
  { account: "Second account, with only the account itself." },
  { account: "Third account, with a place but no contact.", place: "Hammanskraal station" },
  { account: "Fourth account, contact without a method.", contactDetails: "Leave a message with the neighbour" },
  { account: "Fifth account, told in isiZulu: wangishaya ekhaya." },
];

const TICKET_COLUMNS = ["encrypted_description", "encrypted_location", "encrypted_safe_contact"] as const;

type StoredTokens = Record<(typeof TICKET_COLUMNS)[number], string | null> & { updatedAt: Date };

let database: TestDatabase;
let town: Municipality;
let resident: Actor;
let keyA: string;
let keyB: string;
let keyC: string;

async function fileReports(keyring: Keyring): Promise<string[]> {
  const ids: string[] = [];
  for (const report of REPORTS) ids.push((await createConfidentialReport(resident, report, ctx, { db: database.db, keyring })).id);
  return ids;
}

async function storedTokens(ids: string[]): Promise<Map<string, StoredTokens>> {
  const rows = await withSystem((tx) => tx.select().from(tickets).where(inArray(tickets.id, ids)), database.db);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        encrypted_description: row.encryptedDescription as unknown as string | null,
        encrypted_location: row.encryptedLocation as unknown as string | null,
        encrypted_safe_contact: row.encryptedSafeContact as unknown as string | null,
        updatedAt: row.updatedAt,
      },
    ]),
  );
}

async function expectAllReveal(ids: string[], keyring: Keyring, reportsById: Map<string, CreateConfidentialReportInput>): Promise<void> {
  for (const id of ids) {
    // A fresh officer per ticket keeps the reveal rate limit out of the way.
    const officer = actorFor(await insertUser(database.db, { tenantId: town.tenant.id, role: "saps_liaison" }), town.tenant);
    const report = reportsById.get(id)!;
    const revealed = await revealSensitiveDetails(id, officer, REASON, ctx, { db: database.db, keyring });
    expect(revealed.account, id).toEqual({ account: report.account, when: report.when ?? null });
    expect(revealed.place, id).toBe(report.place ?? null);
    const contact = report.contactMethod || report.contactDetails ? { method: report.contactMethod ?? null, details: report.contactDetails ?? null } : null;
    expect(revealed.safeContact, id).toEqual(contact);
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  town = await insertMunicipality(database.db);
  resident = actorFor(town.resident, town.tenant);
  keyA = generateKey();
  keyB = generateKey();
  keyC = generateKey();
});

afterAll(async () => {
  await database?.drop();
});

describe("rotateEncryptedColumns", () => {
  it("rotation end to end", async () => {
    const ids = await fileReports(new Keyring({ current: keyA, previous: [] }));
    const reportsById = new Map(ids.map((id, index) => [id, REPORTS[index]!]));
    await insertTicket(database.db, { tenantId: town.tenant.id, reporterId: town.resident.id, categoryId: town.category.id });
    const before = await storedTokens(ids);
    const keyringBA = new Keyring({ current: keyB, previous: [keyA] });

    const dryRun = await rotateEncryptedColumns({ keyring: keyringBA, db: database.db, dryRun: true });
    expect(dryRun).toMatchObject({ dryRun: true, rotated: REPORTS.length, alreadyCurrent: 0, failed: 0 });
    expect(await storedTokens(ids)).toEqual(before);

    const batches: number[] = [];
    const report = await rotateEncryptedColumns({ keyring: keyringBA, db: database.db, batchSize: 2, onBatch: (progress) => batches.push(progress.rotated) });
    expect(report).toMatchObject({ dryRun: false, rotated: REPORTS.length, alreadyCurrent: 0, failed: 0, interrupted: false, failures: [] });
    expect(report.batches).toBe(Math.ceil(REPORTS.length / 2));
    expect(batches).toEqual([2, 4, 5]);

    const after = await storedTokens(ids);
    const onlyB = new Keyring({ current: keyB, previous: [] });
    for (const id of ids) {
      const old = before.get(id)!;
      const rotated = after.get(id)!;
      expect(rotated.updatedAt, id).toEqual(old.updatedAt);
      for (const column of TICKET_COLUMNS) {
        expect(rotated[column] === null, `${id} ${column}`).toBe(old[column] === null);
        if (rotated[column] === null) continue;
        expect(rotated[column], `${id} ${column}`).not.toBe(old[column]);
        expect(onlyB.isCurrent(rotated[column] as unknown as EncryptedText), `${id} ${column}`).toBe(true);
        // Python's MultiFernet.rotate keeps the original timestamp; so does this rotation.
        expect(new Fernet(keyB).decryptWithTimestamp(rotated[column]!).timestamp).toBe(new Fernet(keyA).decryptWithTimestamp(old[column]!).timestamp);
      }
    }

    const again = await rotateEncryptedColumns({ keyring: keyringBA, db: database.db });
    expect(again).toMatchObject({ rotated: 0, alreadyCurrent: REPORTS.length, failed: 0 });

    // Key A is retired: every report still reveals with key B alone.
    await expectAllReveal(ids, onlyB, reportsById);
  });

  it("undecryptable row reported and untouched", async () => {
    const ids = await fileReports(new Keyring({ current: keyB, previous: [] }));
    const damaged = ids[2]!;
    const foreign = new Fernet(generateKey()).encrypt("no configured key opens this");
    await withSystem(
      (tx) => tx.update(tickets).set({ encryptedLocation: foreign as unknown as EncryptedText }).where(eq(tickets.id, damaged)),
      database.db,
    );
    const before = await storedTokens(ids);

    const report = await rotateEncryptedColumns({ keyring: new Keyring({ current: keyC, previous: [keyB] }), db: database.db, batchSize: 3 });

    expect(report.failed).toBe(1);
    expect(report.failures).toEqual([{ table: "tickets", id: damaged, columns: ["encrypted_location"] }]);
    expect(report.rotated).toBeGreaterThanOrEqual(REPORTS.length - 1);
    const after = await storedTokens(ids);
    expect(after.get(damaged)).toEqual(before.get(damaged));
    for (const id of ids.filter((candidate) => candidate !== damaged)) {
      expect(after.get(id)!.encrypted_description, id).not.toBe(before.get(id)!.encrypted_description);
    }
  });

  it("interrupted run resumes", async () => {
    await fileReports(new Keyring({ current: keyA, previous: [] }));
    const encryptedRows = await withSystem(
      (tx) => tx.select({ id: tickets.id }).from(tickets).where(isNotNull(tickets.encryptedDescription)),
      database.db,
    );
    const total = encryptedRows.length;
    const everyKey = new Keyring({ current: generateKey(), previous: [keyC, keyB, keyA] });
    let stop = false;

    const first = await rotateEncryptedColumns({
      keyring: everyKey,
      db: database.db,
      batchSize: 4,
      onBatch: () => {
        stop = true;
      },
      shouldStop: () => stop,
    });
    const second = await rotateEncryptedColumns({ keyring: everyKey, db: database.db, batchSize: 4 });
    const third = await rotateEncryptedColumns({ keyring: everyKey, db: database.db });

    // The batch read ahead while the first was written may finish too, but not the whole table.
    expect(first.interrupted).toBe(true);
    expect(first.batches).toBeLessThan(Math.ceil(total / 4));
    expect(first.rotated + first.alreadyCurrent + first.failed).toBe(4 * first.batches);
    expect(second.interrupted).toBe(false);
    expect(second.alreadyCurrent).toBe(first.rotated);
    // The damaged row from the previous test is the only one that never rotates.
    expect(first.rotated + second.rotated).toBe(total - 1);
    expect(third).toMatchObject({ rotated: 0, alreadyCurrent: total - 1, failed: 1 });
  });

  it("rejects a bad batch size", async () => {
    await expect(rotateEncryptedColumns({ keyring: new Keyring({ current: keyA, previous: [] }), db: database.db, batchSize: 0 })).rejects.toThrow(
      /batchSize must be a positive integer/,
    );
  });
});

describe("ENCRYPTED_COLUMNS", () => {
  it("lists every encryptedText column", () => {
    const schemaDir = path.resolve(__dirname, "../../db/schema");
    const listed = ENCRYPTED_COLUMNS.flatMap((columnSet) => columnSet.columns);
    const declared = fs
      .readdirSync(schemaDir)
      .filter((name) => name.endsWith(".ts"))
      .flatMap((name) => [...fs.readFileSync(path.join(schemaDir, name), "utf8").matchAll(/encryptedText\("([a-z_]+)"\)/g)].map((match) => match[1]!));

    expect(declared.length).toBeGreaterThanOrEqual(3);
    for (const column of declared) expect(listed, column).toContain(column);
  });
});

describe("rotateEncryptedColumns other tables", () => {
  it("rotates any listed table", async () => {
    await database.db.execute(sql`create table rotation_probe (id uuid primary key default gen_random_uuid(), encrypted_note text, updated_at timestamptz)`);
    const old = new Keyring({ current: keyA, previous: [] });
    const notes = ["first note", "second note", "third note"];
    for (const note of notes) {
      await database.db.execute(sql`insert into rotation_probe (encrypted_note) values (${old.encrypt(note)})`);
    }
    await database.db.execute(sql`insert into rotation_probe (encrypted_note) values (null)`);
    const columnSets = [
      { table: "rotation_probe", columns: ["encrypted_note"] },
      { table: "no_such_table", columns: ["encrypted_secret"] },
    ];

    const report = await rotateEncryptedColumns({ keyring: new Keyring({ current: keyB, previous: [keyA] }), db: database.db, columnSets, batchSize: 2 });

    expect(report).toMatchObject({ rotated: 3, alreadyCurrent: 0, failed: 0, skipped: ["no_such_table.encrypted_secret"] });
    expect(report.tables).toEqual({ rotation_probe: { rotated: 3, alreadyCurrent: 0, failed: 0 } });
    const rows = toRows<{ encrypted_note: string | null }>(await database.db.execute(sql`select encrypted_note from rotation_probe`));
    const onlyB = new Keyring({ current: keyB, previous: [] });
    const decrypted = rows.filter((row) => row.encrypted_note !== null).map((row) => onlyB.decryptText(row.encrypted_note as unknown as EncryptedText));
    expect(decrypted.sort()).toEqual([...notes].sort());
  });
});
