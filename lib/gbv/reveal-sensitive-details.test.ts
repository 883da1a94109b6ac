import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem } from "@/db/client";
import { auditEvents, tickets } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";
import { Fernet, generateKey } from "@/lib/crypto/fernet";
import { type EncryptedText, Keyring } from "@/lib/crypto/keyring";
import { AppError } from "@/lib/errors";
import { getTicketForStaffOrThrow } from "@/lib/tickets/get-ticket";
import { listTicketsForStaff } from "@/lib/tickets/list-tickets";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { actorFor, insertMunicipality, insertTicket, insertUser, type Municipality } from "@/test/factories";
import { DETAILS_REVEALED, REVEAL_FAILED } from "./audit-actions";
import { createConfidentialReport } from "./create-confidential-report";
import { REVEAL_LIMIT } from "./reveal-rate-limit";
import { revealSensitiveDetails } from "./reveal-sensitive-details";

const REASON = "Case docket opened at Soshanguve SAPS, need contact details";
const REPORT = {
  account: "He broke the door and threatened me with a knife.",
  when: "Last Tuesday after midnight",
  place: "House 1123, Block K",
  contactMethod: "whatsapp" as const,
  contactDetails: "Only before 08:00 on 071 555 0199",
};

let database: TestDatabase;
let town: Municipality;
let elsewhere: Municipality;
let keyring: Keyring;
let liaison: Actor;
let ticketId: string;
let reference: string;

function deps() {
  return { db: database.db, keyring };
}

function ctx(requestId = "test-reveal") {
  return { requestId };
}

async function auditCount(targetId: string, action?: string): Promise<number> {
  const [row] = await withSystem(
    (tx) =>
      tx
        .select({ value: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, targetId), action ? eq(auditEvents.action, action) : undefined)),
    database.db,
  );
  return row!.value;
}

async function fileReport(values: Partial<typeof REPORT> = {}): Promise<{ id: string; reference: string }> {
  return createConfidentialReport(actorFor(town.resident, town.tenant), { ...REPORT, ...values }, ctx(), deps());
}

async function newLiaison(): Promise<Actor> {
  return actorFor(await insertUser(database.db, { tenantId: town.tenant.id, role: "saps_liaison" }), town.tenant);
}

beforeAll(async () => {
  database = await createTestDatabase();
  town = await insertMunicipality(database.db);
  elsewhere = await insertMunicipality(database.db);
  keyring = new Keyring({ current: generateKey(), previous: [] });
  liaison = actorFor(town.sapsLiaison, town.tenant);
  ({ id: ticketId, reference } = await fileReport());
});

afterAll(async () => {
  await database?.drop();
});

describe("revealSensitiveDetails", () => {
  it("liaison sees the details", async () => {
    const revealed = await revealSensitiveDetails(ticketId, liaison, REASON, ctx(), deps());

    expect(revealed.reference).toBe(reference);
    expect(revealed.account).toEqual({ account: REPORT.account, when: REPORT.when });
    expect(revealed.place).toBe(REPORT.place);
    expect(revealed.safeContact).toEqual({ method: "whatsapp", details: REPORT.contactDetails });
  });

  it("each reveal leaves exactly one audit event", async () => {
    const before = await auditCount(ticketId);
    const tenantBefore = await withSystem(
      (tx) => tx.select({ value: count() }).from(auditEvents).where(eq(auditEvents.tenantId, town.tenant.id)),
      database.db,
    );

    const revealed = await revealSensitiveDetails(ticketId, liaison, `  ${REASON}  `, ctx("request-one-event"), deps());

    expect(await auditCount(ticketId)).toBe(before + 1);
    const tenantAfter = await withSystem(
      (tx) => tx.select({ value: count() }).from(auditEvents).where(eq(auditEvents.tenantId, town.tenant.id)),
      database.db,
    );
    expect(tenantAfter[0]!.value).toBe(tenantBefore[0]!.value + 1);
    const [event] = await withSystem((tx) => tx.select().from(auditEvents).where(eq(auditEvents.id, revealed.auditEventId)), database.db);
    expect(event).toMatchObject({
      action: DETAILS_REVEALED,
      actorId: liaison.userId,
      tenantId: town.tenant.id,
      targetType: "ticket",
      targetId: ticketId,
      reason: REASON,
      requestId: "request-one-event",
      metadata: { reference },
    });
    expect(Math.abs(event!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("other roles are rejected", async () => {
    const before = await auditCount(ticketId);
    const refused: [string, Actor, string][] = [
      ["agent", actorFor(town.agent, town.tenant), "forbidden"],
      ["manager", actorFor(town.manager, town.tenant), "forbidden"],
      ["resident", actorFor(town.resident, town.tenant), "forbidden"],
      ["other tenant liaison", actorFor(elsewhere.sapsLiaison, elsewhere.tenant), "not_found"],
    ];

    for (const [name, actor, code] of refused) {
      const error = await revealSensitiveDetails(ticketId, actor, REASON, ctx(), deps()).catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(AppError);
      expect((error as AppError).code, name).toBe(code);
    }
    expect(await auditCount(ticketId)).toBe(before);
  });

  it("reason is required", async () => {
    const before = await auditCount(ticketId);

    for (const reason of ["", "   ", "too short", "  x        "]) {
      const error = await revealSensitiveDetails(ticketId, liaison, reason, ctx(), deps()).catch((caught: unknown) => caught);
      expect((error as AppError).code, JSON.stringify(reason)).toBe("invalid_input");
      expect((error as AppError).fieldErrors?.reason, JSON.stringify(reason)).toBeDefined();
    }
    const missing = await revealSensitiveDetails(ticketId, liaison, undefined as unknown as string, ctx(), deps()).catch((caught: unknown) => caught);
    expect((missing as AppError).code).toBe("invalid_input");
    expect(await auditCount(ticketId)).toBe(before);
  });

  it("unknown or malformed ticket is not found", async () => {
    await expect(revealSensitiveDetails("not-a-uuid", liaison, REASON, ctx(), deps())).rejects.toMatchObject({ code: "not_found" });
    await expect(revealSensitiveDetails(crypto.randomUUID(), liaison, REASON, ctx(), deps())).rejects.toMatchObject({ code: "not_found" });
  });

  it("ordinary ticket is refused", async () => {
    const ordinary = await insertTicket(database.db, { tenantId: town.tenant.id, reporterId: town.resident.id, categoryId: town.category.id });

    await expect(revealSensitiveDetails(ordinary.id, liaison, REASON, ctx(), deps())).rejects.toMatchObject({ code: "invalid_input" });
    expect(await auditCount(ordinary.id)).toBe(0);
  });

  it("previous key still reveals", async () => {
    const oldKey = generateKey();
    const oldKeyring = new Keyring({ current: oldKey, previous: [] });
    const { id } = await createConfidentialReport(actorFor(town.resident, town.tenant), REPORT, ctx(), { db: database.db, keyring: oldKeyring });
    const laterKeyring = new Keyring({ current: generateKey(), previous: [generateKey(), oldKey] });

    const revealed = await revealSensitiveDetails(id, await newLiaison(), REASON, ctx(), { db: database.db, keyring: laterKeyring });

    expect(revealed.account?.account).toBe(REPORT.account);
    const withoutOldKey = new Keyring({ current: generateKey(), previous: [generateKey()] });
    await expect(revealSensitiveDetails(id, await newLiaison(), REASON, ctx(), { db: database.db, keyring: withoutOldKey })).rejects.toMatchObject({
      code: "unavailable",
    });
  });

  it("rate limited after ten", async () => {
    const officer = await newLiaison();
    for (let attempt = 0; attempt < REVEAL_LIMIT; attempt += 1) {
      await revealSensitiveDetails(ticketId, officer, REASON, ctx(), deps());
    }

    const error = await revealSensitiveDetails(ticketId, officer, REASON, ctx(), deps()).catch((caught: unknown) => caught);

    expect((error as AppError).code).toBe("rate_limited");
    expect((error as AppError).message).toMatch(/Try again in \d+ minutes?\./);
    const [row] = await withSystem(
      (tx) =>
        tx
          .select({ value: count() })
          .from(auditEvents)
          .where(and(eq(auditEvents.actorId, officer.userId), eq(auditEvents.action, DETAILS_REVEALED))),
      database.db,
    );
    expect(row!.value).toBe(REVEAL_LIMIT);
    // Another officer is not affected.
    await expect(revealSensitiveDetails(ticketId, await newLiaison(), REASON, ctx(), deps())).resolves.toMatchObject({ reference });
  });

  it("concurrent reveals respect the limit", async () => {
    const officer = await newLiaison();

    const results = await Promise.allSettled(
      Array.from({ length: REVEAL_LIMIT + 3 }, () => revealSensitiveDetails(ticketId, officer, REASON, ctx(), deps())),
    );

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(REVEAL_LIMIT);
    for (const result of results.filter((item) => item.status === "rejected")) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "rate_limited" });
    }
  });

  it("reveals outside the window do not count", async () => {
    const officer = await newLiaison();
    const longAgo = new Date(Date.now() - 11 * 60_000);
    await withSystem(
      (tx) =>
        tx.insert(auditEvents).values(
          Array.from({ length: REVEAL_LIMIT }, () => ({
            tenantId: town.tenant.id,
            actorId: officer.userId,
            action: DETAILS_REVEALED,
            targetType: "ticket",
            targetId: ticketId,
            reason: REASON,
            createdAt: longAgo,
          })),
        ),
      database.db,
    );

    await expect(revealSensitiveDetails(ticketId, officer, REASON, ctx(), deps())).resolves.toMatchObject({ reference });
  });
});

describe("revealSensitiveDetails tampered ciphertext", () => {
  let tamperedId: string;

  beforeAll(async () => {
    const report = await fileReport();
    tamperedId = report.id;
    const [row] = await withSystem((tx) => tx.select().from(tickets).where(eq(tickets.id, tamperedId)), database.db);
    const token = row!.encryptedLocation as unknown as string;
    // Flips one character in the middle, inside the ciphertext, so only the HMAC check catches it.
    const middle = Math.floor(token.length / 2);
    const flipped = `${token.slice(0, middle)}${token[middle] === "A" ? "B" : "A"}${token.slice(middle + 1)}`;
    await withSystem(
      (tx) => tx.update(tickets).set({ encryptedLocation: flipped as unknown as EncryptedText }).where(eq(tickets.id, tamperedId)),
      database.db,
    );
  });

  it("fails with cannot decrypt", async () => {
    const officer = await newLiaison();

    const error = await revealSensitiveDetails(tamperedId, officer, REASON, ctx("request-tampered"), deps()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("unavailable");
    expect((error as AppError).message).toMatch(/^Cannot decrypt the confidential details of [A-Z0-9]+-\d{4}-\d{6} \(place\)\./);
    expect((error as AppError).message).not.toContain(REPORT.account);
  });

  it("records the failure in the audit log", async () => {
    const officer = await newLiaison();
    await revealSensitiveDetails(tamperedId, officer, REASON, ctx("request-audited-failure"), deps()).catch(() => undefined);

    const events = await withSystem(
      (tx) =>
        tx
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.targetId, tamperedId), eq(auditEvents.actorId, officer.userId)))
          .orderBy(auditEvents.createdAt),
      database.db,
    );
    expect(events.map((event) => event.action).sort()).toEqual([DETAILS_REVEALED, REVEAL_FAILED].sort());
    const revealed = events.find((event) => event.action === DETAILS_REVEALED)!;
    const failed = events.find((event) => event.action === REVEAL_FAILED)!;
    expect(failed.requestId).toBe("request-audited-failure");
    expect(failed.metadata).toMatchObject({ revealEventId: revealed.id, failures: [{ field: "place", failure: "bad_signature" }] });
  });

  it("ticket list still loads", async () => {
    for (const user of [town.manager, town.agent, town.sapsLiaison]) {
      const actor = actorFor(user, town.tenant);
      const { items } = await listTicketsForStaff(actor, { limit: 100 }, database.db);
      expect(items.some((item) => item.id === tamperedId), user.role).toBe(true);
      const detail = await getTicketForStaffOrThrow(actor, tamperedId, database.db);
      expect(detail.description).toBe("GBV incident report");
    }
  });

  it("token from unknown key fails too", async () => {
    const { id } = await fileReport();
    const foreign = new Fernet(generateKey()).encrypt("written with a key nobody configured");
    await withSystem(
      (tx) => tx.update(tickets).set({ encryptedDescription: foreign as unknown as EncryptedText }).where(eq(tickets.id, id)),
      database.db,
    );

    await expect(revealSensitiveDetails(id, await newLiaison(), REASON, ctx(), deps())).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/^Cannot decrypt .* \(account\)\./),
    });
  });
});
