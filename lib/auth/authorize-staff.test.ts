import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { authorizeStaff } from "./authorize-staff";
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
});
