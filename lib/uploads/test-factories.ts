import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { closeDb, type Database } from "@/db/client";
import { categories, mediaAttachments, tenants, tickets, users } from "@/db/schema";
import type { Actor, Role } from "@/lib/auth/types";
import { resetEnvForTests } from "@/lib/env";
import { resetStorageForTests } from "@/lib/storage";
import { createTestDatabase } from "@/test/db";

// Test-only helpers for the upload tests: a fresh database and storage folder per test file, and
// small factories that insert rows directly through the test database's owner connection.

export interface UploadTestEnvironment {
  /** Owner connection of the test database; bypasses row-level security, for setup and checks. */
  db: Database;
  storageDir: string;
  close: () => Promise<void>;
}

const S3_VARIABLES = ["S3_BUCKET_EVIDENCE", "S3_BUCKET_DOCUMENTS", "S3_ENDPOINT", "S3_FORCE_PATH_STYLE", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

/**
 * Points the app's database, storage and secret at fresh test resources. With `s3`, the S3 driver
 * is configured against that endpoint; otherwise the local driver stores under a temporary folder.
 */
export async function startUploadTestEnvironment(
  options: { s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string; buckets: { evidence: string; documents: string } } } = {},
): Promise<UploadTestEnvironment> {
  await closeDb();
  const database = await createTestDatabase();
  const storageDir = await mkdtemp(path.join(os.tmpdir(), "bika-storage-"));

  process.env.DATABASE_URL = database.url;
  process.env.STORAGE_DIR = storageDir;
  process.env.APP_SECRET = randomBytes(32).toString("hex");
  for (const name of S3_VARIABLES) delete process.env[name];
  if (options.s3) {
    process.env.S3_ENDPOINT = options.s3.endpoint;
    process.env.S3_FORCE_PATH_STYLE = "true";
    process.env.S3_BUCKET_EVIDENCE = options.s3.buckets.evidence;
    process.env.S3_BUCKET_DOCUMENTS = options.s3.buckets.documents;
    process.env.AWS_REGION = "af-south-1";
    process.env.AWS_ACCESS_KEY_ID = options.s3.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = options.s3.secretAccessKey;
  }
  resetEnvForTests();
  resetStorageForTests();

  return {
    db: database.db,
    storageDir,
    close: async () => {
      await closeDb();
      await database.drop();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

export type TenantRow = typeof tenants.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export async function createTenant(db: Database): Promise<TenantRow> {
  const suffix = randomUUID().slice(0, 8);
  const [tenant] = await db
    .insert(tenants)
    .values({ slug: `test-${suffix}`, name: `Test Municipality ${suffix}`, code: `T${suffix.toUpperCase()}` })
    .returning();
  return tenant!;
}

export async function createUser(
  db: Database,
  tenant: TenantRow,
  role: Role,
  overrides: Partial<typeof users.$inferInsert> = {},
): Promise<UserRow> {
  const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, "0");
  const [user] = await db
    .insert(users)
    .values({
      tenantId: tenant.id,
      role,
      name: `${role} ${digits}`,
      phone: role === "resident" ? `+2782${digits.slice(0, 7)}` : null,
      email: role === "resident" ? null : `${role}-${randomUUID()}@example.org`,
      ...overrides,
    })
    .returning();
  return user!;
}

export function actorFor(user: UserRow, tenant: TenantRow): Actor {
  return { userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: user.role, name: user.name };
}

export async function createTicket(
  db: Database,
  input: { tenant: TenantRow; reporter: UserRow; isSensitive?: boolean },
): Promise<typeof tickets.$inferSelect> {
  const suffix = randomUUID().slice(0, 8);
  const [category] = await db
    .insert(categories)
    .values({ tenantId: input.tenant.id, slug: `category-${suffix}`, name: `Category ${suffix}`, isSensitive: input.isSensitive ?? false })
    .returning();
  const [ticket] = await db
    .insert(tickets)
    .values({
      tenantId: input.tenant.id,
      reference: `${input.tenant.code}-2026-${suffix}`,
      reporterId: input.reporter.id,
      categoryId: category!.id,
      channel: "web",
      description: input.isSensitive ? "GBV incident report" : "Burst water pipe on the corner",
      isSensitive: input.isSensitive ?? false,
    })
    .returning();
  return ticket!;
}

/** Links an attachment to a ticket, as creating a report does. */
export async function attachToTicket(db: Database, fileId: string, ticketId: string): Promise<void> {
  await db.update(mediaAttachments).set({ ticketId }).where(eq(mediaAttachments.fileId, fileId));
}

export async function getAttachmentRow(db: Database, fileId: string): Promise<typeof mediaAttachments.$inferSelect> {
  const [row] = await db.select().from(mediaAttachments).where(eq(mediaAttachments.fileId, fileId));
  if (!row) throw new Error(`no media_attachments row for file ${fileId}`);
  return row;
}
