// Row factories for integration tests. They insert through the system role, bypassing the verbs
// in lib/, so a test can set up any state (another tenant's rows, a sensitive ticket, a rejected
// attachment) and then exercise one verb against it.
import { randomBytes, randomUUID } from "node:crypto";
import { withSystem, type Database } from "@/db/client";
import { categories, mediaAttachments, tenants, tickets, users } from "@/db/schema";
import type { Actor } from "@/lib/auth/types";

export type TenantRow = typeof tenants.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export type TicketRow = typeof tickets.$inferSelect;
export type AttachmentRow = typeof mediaAttachments.$inferSelect;

function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

export async function insertTenant(db: Database, values: Partial<typeof tenants.$inferInsert> = {}): Promise<TenantRow> {
  const suffix = uniqueSuffix();
  const [row] = await withSystem(
    (tx) =>
      tx
        .insert(tenants)
        .values({ slug: `test-${suffix}`, name: `Test Municipality ${suffix}`, code: `T${suffix.toUpperCase()}`, ...values })
        .returning(),
    db,
  );
  return row!;
}

export async function insertUser(
  db: Database,
  values: Partial<typeof users.$inferInsert> & Pick<typeof users.$inferInsert, "tenantId" | "role">,
): Promise<UserRow> {
  const suffix = uniqueSuffix();
  const contact =
    values.role === "resident"
      ? { phone: `+2782${String(parseInt(suffix, 16) % 10_000_000).padStart(7, "0")}` }
      : { email: `${values.role}-${suffix}@test.bika.test` };
  const [row] = await withSystem((tx) => tx.insert(users).values({ name: `Test ${values.role} ${suffix}`, ...contact, ...values }).returning(), db);
  return row!;
}

export async function insertCategory(
  db: Database,
  values: Partial<typeof categories.$inferInsert> & Pick<typeof categories.$inferInsert, "tenantId">,
): Promise<CategoryRow> {
  const suffix = uniqueSuffix();
  const [row] = await withSystem((tx) => tx.insert(categories).values({ slug: `category-${suffix}`, name: `Category ${suffix}`, ...values }).returning(), db);
  return row!;
}

export async function insertTicket(
  db: Database,
  values: Partial<typeof tickets.$inferInsert> & Pick<typeof tickets.$inferInsert, "tenantId" | "reporterId" | "categoryId">,
): Promise<TicketRow> {
  const [row] = await withSystem(
    (tx) =>
      tx
        .insert(tickets)
        .values({
          reference: `TEST-${randomUUID()}`,
          channel: "web",
          description: "Water has been leaking from the main pipe for two days.",
          ...values,
        })
        .returning(),
    db,
  );
  return row!;
}

export async function insertAttachment(
  db: Database,
  values: Partial<typeof mediaAttachments.$inferInsert> & Pick<typeof mediaAttachments.$inferInsert, "tenantId" | "ownerId">,
): Promise<AttachmentRow> {
  const fileId = values.fileId ?? randomUUID();
  const [row] = await withSystem(
    (tx) =>
      tx
        .insert(mediaAttachments)
        .values({
          fileId,
          bucket: "evidence",
          objectKey: `${values.tenantId}/evidence/2026/01/${fileId}`,
          originalFilename: "pothole.jpg",
          declaredContentType: "image/jpeg",
          contentType: "image/jpeg",
          sniffedContentType: "image/jpeg",
          declaredSize: 2048,
          size: 2048,
          purpose: "evidence",
          source: "web",
          state: "uploaded",
          uploadExpiresAt: new Date(Date.now() + 15 * 60 * 1000),
          ...values,
        })
        .returning(),
    db,
  );
  return row!;
}

/** Builds the actor that a signed-in user acts as. */
export function actorFor(user: UserRow, tenant: TenantRow): Actor {
  return { userId: user.id, tenantId: tenant.id, tenantSlug: tenant.slug, role: user.role, name: user.name };
}

export interface Municipality {
  tenant: TenantRow;
  category: CategoryRow;
  sensitiveCategory: CategoryRow;
  resident: UserRow;
  agent: UserRow;
  manager: UserRow;
  sapsLiaison: UserRow;
}

/** Inserts a tenant with one ordinary and one sensitive category, a resident and one user per staff role. */
export async function insertMunicipality(db: Database, values: Partial<typeof tenants.$inferInsert> = {}): Promise<Municipality> {
  const tenant = await insertTenant(db, values);
  return {
    tenant,
    category: await insertCategory(db, { tenantId: tenant.id, name: "Roads and potholes", sortOrder: 10 }),
    sensitiveCategory: await insertCategory(db, { tenantId: tenant.id, name: "Gender-based violence", isSensitive: true, sortOrder: 70 }),
    resident: await insertUser(db, { tenantId: tenant.id, role: "resident" }),
    agent: await insertUser(db, { tenantId: tenant.id, role: "agent" }),
    manager: await insertUser(db, { tenantId: tenant.id, role: "manager" }),
    sapsLiaison: await insertUser(db, { tenantId: tenant.id, role: "saps_liaison" }),
  };
}
