import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { authorizeStaff, MAX_FAILED_SIGN_INS } from "./authorize-staff";
import { hashPassword } from "./password";
import { captureLog, insertTestTenant, insertTestUser, type TenantRow } from "./sign-in-test-helpers";

const PASSWORD = "Lekker-Tshwane-2026";

let database: TestDatabase;
let tshwane: TenantRow;
let managerId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  tshwane = await insertTestTenant(database.db, "City of Tshwane");
  const passwordHash = await hashPassword(PASSWORD);
  const manager = await insertTestUser(database.db, {
    tenantId: tshwane.id,
    role: "manager",
    name: "Naledi Khumalo",
    email: "naledi@tshwane.test",
    passwordHash,
  });
  managerId = manager.id;
  await insertTestUser(database.db, { tenantId: tshwane.id, role: "agent", name: "No Password", email: "nopassword@tshwane.test" });
  await insertTestUser(database.db, {
    tenantId: tshwane.id,
    role: "resident",
    name: "Resident With Password",
    email: "resident@tshwane.test",
    phone: "+27825550199",
    passwordHash,
  });
});

afterAll(async () => {
  await database?.drop();
});

function authorize(credentials: unknown) {
  return authorizeStaff(credentials, { db: database.db });
}

describe("authorizeStaff", () => {
  it("right password signs in", async () => {
    const actor = await authorize({ email: "naledi@tshwane.test", password: PASSWORD });
    expect(actor).toEqual({
      userId: managerId,
      tenantId: tshwane.id,
      tenantSlug: tshwane.slug,
      role: "manager",
      name: "Naledi Khumalo",
    });
  });

  it("email is case-insensitive", async () => {
    const actor = await authorize({ email: "  Naledi@Tshwane.TEST ", password: PASSWORD });
    expect(actor?.userId).toBe(managerId);
  });

  it("wrong password and unknown email fail alike", async () => {
    const wrongPassword = await authorize({ email: "naledi@tshwane.test", password: "lekker-tshwane-2026" });
    const unknownEmail = await authorize({ email: "nobody@tshwane.test", password: PASSWORD });
    expect(wrongPassword).toBeNull();
    expect(unknownEmail).toBeNull();
  });

  it("account without password fails", async () => {
    expect(await authorize({ email: "nopassword@tshwane.test", password: PASSWORD })).toBeNull();
  });

  it("resident cannot use it", async () => {
    expect(await authorize({ email: "resident@tshwane.test", password: PASSWORD })).toBeNull();
  });

  it("malformed credentials fail", async () => {
    expect(await authorize({ email: "not-an-email", password: PASSWORD })).toBeNull();
    expect(await authorize({ email: "naledi@tshwane.test", password: "" })).toBeNull();
    expect(await authorize(undefined)).toBeNull();
  });

  it("never logs the password or email", async () => {
    const capture = captureLog();
    await authorizeStaff({ email: "naledi@tshwane.test", password: "wrong-Password-1" }, { db: database.db, log: capture.log });
    await authorizeStaff({ email: "naledi@tshwane.test", password: PASSWORD }, { db: database.db, log: capture.log });

    const logged = capture.lines().join("\n");
    expect(capture.lines()).toHaveLength(2);
    expect(logged).toContain("wrong_password");
    expect(logged).not.toContain("wrong-Password-1");
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain("naledi@tshwane.test");
  });

  describe("lockout", () => {
    async function newOfficer(email: string): Promise<string> {
      const user = await insertTestUser(database.db, {
        tenantId: tshwane.id,
        role: "saps_liaison",
        name: "Sipho Dlamini",
        email,
        passwordHash: await hashPassword(PASSWORD),
      });
      return user.id;
    }

    async function auditActions(userId: string): Promise<string[]> {
      const rows = await database.db
        .select({ action: auditEvents.action, metadata: auditEvents.metadata })
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, userId), eq(auditEvents.tenantId, tshwane.id)))
        .orderBy(auditEvents.createdAt, auditEvents.id);
      return rows.map((row) => `${row.action}:${String(row.metadata.reason ?? row.metadata.method)}`);
    }

    it("locks after ten wrong passwords", async () => {
      const userId = await newOfficer("sipho@tshwane.test");
      for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
        expect(await authorize({ email: "sipho@tshwane.test", password: `guess-${attempt}` })).toBeNull();
      }
      expect(await authorize({ email: "sipho@tshwane.test", password: PASSWORD })).toEqual(expect.objectContaining({ userId }));

      // The right password reset the count, so ten more wrong ones are needed to lock.
      for (let attempt = 1; attempt <= MAX_FAILED_SIGN_INS; attempt += 1) {
        expect(await authorize({ email: "sipho@tshwane.test", password: `guess-${attempt}` })).toBeNull();
      }
      expect(await authorize({ email: "sipho@tshwane.test", password: PASSWORD })).toBeNull();

      const actions = await auditActions(userId);
      expect(actions.filter((action) => action === "user.sign_in_failed:wrong_password")).toHaveLength(2 * MAX_FAILED_SIGN_INS - 2);
      expect(actions.filter((action) => action === "user.sign_in_locked:wrong_password")).toHaveLength(1);
      expect(actions.filter((action) => action === "user.signed_in:password")).toHaveLength(1);
      expect(actions.at(-1)).toBe("user.sign_in_failed:locked");
    });

    it("opens again when the lock expires", async () => {
      const userId = await newOfficer("lerato@tshwane.test");
      for (let attempt = 1; attempt <= MAX_FAILED_SIGN_INS; attempt += 1) {
        await authorize({ email: "lerato@tshwane.test", password: `guess-${attempt}` });
      }
      expect(await authorize({ email: "lerato@tshwane.test", password: PASSWORD })).toBeNull();

      await database.db.update(users).set({ signInLockedUntil: sql`now() - interval '1 second'` }).where(eq(users.id, userId));
      expect(await authorize({ email: "lerato@tshwane.test", password: PASSWORD })).toEqual(expect.objectContaining({ userId }));
      const [row] = await database.db.select({ failed: users.failedSignIns }).from(users).where(eq(users.id, userId));
      expect(row?.failed).toBe(0);
    });

    it("counts concurrent wrong passwords", async () => {
      const userId = await newOfficer("bongani@tshwane.test");
      await Promise.all(
        Array.from({ length: MAX_FAILED_SIGN_INS }, (_, attempt) => authorize({ email: "bongani@tshwane.test", password: `guess-${attempt}` })),
      );
      const [row] = await database.db
        .select({ locked: sql<boolean>`${users.signInLockedUntil} > now()` })
        .from(users)
        .where(eq(users.id, userId));
      expect(row?.locked).toBe(true);
    });
  });
});
