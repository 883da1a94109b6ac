import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "@/db/client";
import { devOutbox } from "@/db/schema";
import { insertTestTenant, uniquePhone, type TenantRow } from "@/lib/auth/sign-in-test-helpers";
import { createTestDatabase, type TestDatabase } from "@/test/db";
import { listOutboxMessages } from "./list-outbox-messages";
import { OUTBOX_RETENTION_MS, pruneOutbox } from "./prune-outbox";
import { sendResidentMessage } from "./send-resident-message";

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

function send(tenant: TenantRow, recipient: string, body: string) {
  return withTenant(tenant.id, (tx) => sendResidentMessage(tx, { tenantId: tenant.id, channel: "sms", recipient, body }), database.db);
}

describe("development outbox", () => {
  it("lists all tenants newest first", async () => {
    const phone = uniquePhone();
    await send(tshwane, phone, "first");
    await send(joburg, phone, "second");

    const messages = await listOutboxMessages({ recipient: phone }, database.db);
    expect(messages.map((message) => message.body)).toEqual(["second", "first"]);
    expect(messages.map((message) => message.tenantName)).toEqual(["City of Johannesburg", "City of Tshwane"]);
    expect(messages[0]?.recipient).toBe(phone);
    expect(messages[0]?.channel).toBe("sms");
  });

  it("filters by recipient", async () => {
    const phone = uniquePhone();
    await send(tshwane, phone, "mine");
    await send(tshwane, uniquePhone(), "someone else's");

    const messages = await listOutboxMessages({ recipient: phone }, database.db);
    expect(messages.map((message) => message.body)).toEqual(["mine"]);
  });

  it("tenant-scoped send cannot write for another tenant", async () => {
    const attempt = withTenant(
      tshwane.id,
      (tx) => sendResidentMessage(tx, { tenantId: joburg.id, channel: "sms", recipient: uniquePhone(), body: "leak" }),
      database.db,
    );
    await expect(attempt).rejects.toThrow();
  });

  it("prunes messages older than a day", async () => {
    const phone = uniquePhone();
    await send(tshwane, phone, "old code 123456");
    await send(joburg, phone, "fresh code 654321");
    await database.db
      .update(devOutbox)
      .set({ createdAt: sql`now() - make_interval(secs => ${OUTBOX_RETENTION_MS / 1000 + 60})` })
      .where(eq(devOutbox.body, "old code 123456"));

    const { deleted } = await pruneOutbox(new Date(), database.db);
    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await listOutboxMessages({ recipient: phone }, database.db);
    expect(left.map((message) => message.body)).toEqual(["fresh code 654321"]);
  });
});
