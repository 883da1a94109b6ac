// Shared set-up for the sign-in integration tests: rows inserted through the system role, the code
// read back from the development outbox the way a resident (or the end-to-end test) would, and a
// logger whose lines the test can inspect.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { and, desc, eq } from "drizzle-orm";
import pino from "pino";
import { withSystem, type Database } from "@/db/client";
import { devOutbox, oneTimeCodes, tenants, users } from "@/db/schema";
import type { Logger } from "@/lib/log";

export type TenantRow = typeof tenants.$inferSelect;

export async function insertTestTenant(db: Database, name: string): Promise<TenantRow> {
  const suffix = randomBytes(4).toString("hex");
  const [tenant] = await withSystem(
    (tx) => tx.insert(tenants).values({ slug: `test-${suffix}`, name, code: `T${suffix.toUpperCase()}` }).returning(),
    db,
  );
  if (!tenant) throw new Error("insertTestTenant: no row returned");
  return tenant;
}

export async function insertTestUser(db: Database, values: typeof users.$inferInsert) {
  const [user] = await withSystem((tx) => tx.insert(users).values(values).returning(), db);
  if (!user) throw new Error("insertTestUser: no row returned");
  return user;
}

/** Returns the six-digit code in the newest outbox message to `phone` in the tenant. */
export async function readCodeFromOutbox(db: Database, tenantId: string, phone: string): Promise<string> {
  const [message] = await withSystem(
    (tx) =>
      tx
        .select({ body: devOutbox.body })
        .from(devOutbox)
        .where(and(eq(devOutbox.tenantId, tenantId), eq(devOutbox.recipient, phone)))
        .orderBy(desc(devOutbox.createdAt))
        .limit(1),
    db,
  );
  const code = message ? /\b(\d{6})\b/.exec(message.body)?.[1] : undefined;
  if (!code) throw new Error(`no code in the outbox for ${phone}`);
  return code;
}

export async function listCodeRows(db: Database, tenantId: string, phone: string) {
  return withSystem(
    (tx) =>
      tx
        .select()
        .from(oneTimeCodes)
        .where(and(eq(oneTimeCodes.tenantId, tenantId), eq(oneTimeCodes.phone, phone)))
        .orderBy(desc(oneTimeCodes.createdAt)),
    db,
  );
}

/** Creates a pino logger at info level that keeps its JSON lines in memory. */
export function captureLog(): { log: Logger; lines: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines: () => lines };
}

/** Returns a random phone number, so tests sharing a database do not hit each other's rate limits. */
export function uniquePhone(): string {
  return `+2782${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, "0")}`;
}
