import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { authorizeResident, ResidentSignInError } from "./authorize-resident";
import { issueSignInCode } from "./issue-sign-in-code";
import { captureLog, insertTestTenant, insertTestUser, listCodeRows, readCodeFromOutbox, uniquePhone, type TenantRow } from "./sign-in-test-helpers";

const MINUTE = 60_000;
const T0 = new Date("2026-03-02T08:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

let database: TestDatabase;
let tshwane: TenantRow;
let joburg: TenantRow;

beforeAll(async () => {
  database = await createTestDatabase();
  tshwane = await insertTestTenant(database.db, "City of Tshwane");
  joburg = await insertTestTenant(database.db, "City of Johannesburg");
});

afterAll(async () => {
  await database?.drop();
});

/** Issues a code at T0 and returns it as read from the outbox. */
async function issueCode(tenant: TenantRow, phone: string, now = T0): Promise<string> {
  await issueSignInCode({ tenant, phone, locale: "en" }, { db: database.db, now });
  return readCodeFromOutbox(database.db, tenant.id, phone);
}

function authorize(tenant: TenantRow, phone: string, code: string, now: Date, extra: Record<string, string> = {}) {
  return authorizeResident({ tenantSlug: tenant.slug, phone, code, ...extra }, { db: database.db, now });
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResidentSignInError) return error.reason;
    throw error;
  }
  throw new Error("expected a ResidentSignInError, but sign-in succeeded");
}

function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

describe("authorizeResident", () => {
  it("signs in and creates the resident", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);

    const actor = await authorize(tshwane, phone, code, at(1));

    expect(actor.role).toBe("resident");
    expect(actor.tenantId).toBe(tshwane.id);
    expect(actor.tenantSlug).toBe(tshwane.slug);
    expect(actor.name).toBe("Resident");
    const [user] = await withSystem((tx) => tx.select().from(users).where(eq(users.id, actor.userId)), database.db);
    expect(user?.phone).toBe(phone);
    expect(user?.role).toBe("resident");
    expect(user?.passwordHash).toBeNull();
  });

  it("accepts the number as typed", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);
    const typed = `0${phone.slice(3, 5)} ${phone.slice(5, 8)} ${phone.slice(8)}`;
    await expect(authorize(tshwane, typed, code, at(1))).resolves.toMatchObject({ role: "resident" });
  });

  it("uses the given name first time only", async () => {
    const phone = uniquePhone();
    const first = await authorize(tshwane, phone, await issueCode(tshwane, phone), at(1), { name: "  Thandi Mokoena ", locale: "zu" });
    expect(first.name).toBe("Thandi Mokoena");
    const [user] = await withSystem((tx) => tx.select().from(users).where(eq(users.id, first.userId)), database.db);
    expect(user?.preferredLanguage).toBe("zu");

    const second = await authorize(tshwane, phone, await issueCode(tshwane, phone, at(2)), at(3), { name: "Someone Else" });
    expect(second.userId).toBe(first.userId);
    expect(second.name).toBe("Thandi Mokoena");
  });

  it("code works until ten minutes", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);
    await expect(authorize(tshwane, phone, code, new Date(at(10).getTime() - 1000))).resolves.toBeDefined();
  });

  it("code expires after ten minutes", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);
    expect(await failureOf(authorize(tshwane, phone, code, at(10)))).toBe("code_expired");
  });

  it("five wrong tries kill the code", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);

    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await failureOf(authorize(tshwane, phone, wrongCode(code), at(1)))).toBe("wrong_code");
    }
    expect(await failureOf(authorize(tshwane, phone, wrongCode(code), at(1)))).toBe("code_locked");
    expect(await failureOf(authorize(tshwane, phone, code, at(1)))).toBe("code_locked");

    const [row] = await listCodeRows(database.db, tshwane.id, phone);
    expect(row?.attempts).toBe(5);
    expect(row?.consumedAt).toBeNull();
  });

  it("new code works after a dead one", async () => {
    const phone = uniquePhone();
    const dead = await issueCode(tshwane, phone);
    for (let attempt = 1; attempt <= 5; attempt++) await failureOf(authorize(tshwane, phone, wrongCode(dead), at(1)));

    const fresh = await issueCode(tshwane, phone, at(2));
    await expect(authorize(tshwane, phone, fresh, at(3))).resolves.toBeDefined();
  });

  it("consumed code cannot be reused", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);
    await authorize(tshwane, phone, code, at(1));

    expect(await failureOf(authorize(tshwane, phone, code, at(2)))).toBe("code_expired");
    const [row] = await listCodeRows(database.db, tshwane.id, phone);
    expect(row?.consumedAt?.getTime()).toBe(at(1).getTime());
  });

  it("code of tenant A fails on tenant B", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);

    expect(await failureOf(authorize(joburg, phone, code, at(1)))).toBe("code_expired");
    const [row] = await listCodeRows(database.db, tshwane.id, phone);
    expect(row?.attempts).toBe(0);
    expect(row?.consumedAt).toBeNull();
  });

  it("tenant B rejects tenant A's code", async () => {
    const phone = uniquePhone();
    const tshwaneCode = await issueCode(tshwane, phone);
    const joburgCode = await issueCode(joburg, phone);
    // Two random codes are equal once in a million runs, which would make the check below meaningless.
    expect(tshwaneCode).not.toBe(joburgCode);

    expect(await failureOf(authorize(joburg, phone, tshwaneCode, at(1)))).toBe("wrong_code");
    const actor = await authorize(joburg, phone, joburgCode, at(1));
    expect(actor.tenantId).toBe(joburg.id);
  });

  it("only the latest code counts", async () => {
    const phone = uniquePhone();
    const older = await issueCode(tshwane, phone);
    const newer = await issueCode(tshwane, phone, at(1));
    expect(older).not.toBe(newer);

    expect(await failureOf(authorize(tshwane, phone, older, at(2)))).toBe("wrong_code");
    await expect(authorize(tshwane, phone, newer, at(2))).resolves.toBeDefined();
  });

  it("rejects a staff member's number", async () => {
    const phone = uniquePhone();
    await insertTestUser(database.db, { tenantId: tshwane.id, role: "agent", name: "Agent", phone, email: `agent-${phone.slice(1)}@tshwane.test` });
    const code = await issueCode(tshwane, phone);
    expect(await failureOf(authorize(tshwane, phone, code, at(1)))).toBe("not_resident");
  });

  it("rejects malformed credentials", async () => {
    const phone = uniquePhone();
    expect(await failureOf(authorize(tshwane, phone, "12345", at(1)))).toBe("invalid_request");
    expect(await failureOf(authorize(tshwane, "12", "123456", at(1)))).toBe("invalid_request");
    expect(await failureOf(authorizeResident(undefined, { db: database.db }))).toBe("invalid_request");
  });

  it("rejects an unknown municipality", async () => {
    const result = authorizeResident({ tenantSlug: "atlantis", phone: uniquePhone(), code: "123456" }, { db: database.db });
    expect(await failureOf(result)).toBe("unknown_tenant");
  });

  it("never logs the code", async () => {
    const phone = uniquePhone();
    const code = await issueCode(tshwane, phone);
    const capture = captureLog();
    await failureOf(authorizeResident({ tenantSlug: tshwane.slug, phone, code: wrongCode(code) }, { db: database.db, now: at(1), log: capture.log }));
    await authorizeResident({ tenantSlug: tshwane.slug, phone, code }, { db: database.db, now: at(1), log: capture.log });

    const logged = capture.lines().join("\n");
    expect(capture.lines()).toHaveLength(2);
    expect(logged).not.toContain(code);
    expect(logged).not.toContain(wrongCode(code));
    expect(logged).not.toContain(phone);
  });
});
