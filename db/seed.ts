import { sql } from "drizzle-orm";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/types";
import { withSystem, type Database, type Tx } from "./client";
import { categories, tenants, users, type TenantSettings } from "./schema";

/**
 * Password of every seeded staff account. It is printed by `npm run demo` and is for local
 * demonstrations only; a real deployment creates its staff with their own passwords.
 */
export const DEMO_PASSWORD = "bika-demo-2026";

interface SeedTenant {
  slug: string;
  name: string;
  code: string;
  whatsappNumber: string;
  whatsapp?: TenantSettings["whatsapp"];
  staff: { role: Exclude<Role, "resident" | "admin">; email: string; name: string }[];
  resident: { phone: string; name: string };
}

const SEED_TENANTS: SeedTenant[] = [
  {
    slug: "tshwane",
    name: "City of Tshwane",
    code: "TSH",
    whatsappNumber: "+27105550100",
    whatsapp: {
      // The Messaging Service of the signed WhatsApp fixtures in test/fixtures/twilio, so they resolve here.
      messagingServiceSid: "MGb1ba016f154079f3b218b360382a3cb2",
      // Placeholder: replace with the Content SID of the status template WhatsApp approved.
      statusTemplateContentSid: "HX00000000000000000000000000000000",
    },
    staff: [
      { role: "agent", email: "agent@tshwane.bika.test", name: "Lerato Nkosi" },
      { role: "manager", email: "manager@tshwane.bika.test", name: "Pieter van Wyk" },
      { role: "saps_liaison", email: "saps@tshwane.bika.test", name: "Nomsa Khumalo" },
    ],
    resident: { phone: "+27825550123", name: "Thandi Mokoena" },
  },
  {
    slug: "msunduzi",
    name: "Msunduzi Local Municipality",
    code: "MSU",
    whatsappNumber: "+27335550100",
    staff: [
      { role: "agent", email: "agent@msunduzi.bika.test", name: "Ayanda Zulu" },
      { role: "manager", email: "manager@msunduzi.bika.test", name: "Priya Naidoo" },
      { role: "saps_liaison", email: "saps@msunduzi.bika.test", name: "Bongani Mthembu" },
    ],
    resident: { phone: "+27835550123", name: "Sipho Dlamini" },
  },
];

/** Categories every seeded municipality offers, in display order. */
export const SEED_CATEGORIES = [
  { slug: "roads-and-potholes", name: "Roads and potholes", isSensitive: false },
  { slug: "water-and-sanitation", name: "Water and sanitation", isSensitive: false },
  { slug: "electricity", name: "Electricity", isSensitive: false },
  { slug: "refuse-removal", name: "Refuse removal", isSensitive: false },
  { slug: "streetlights", name: "Streetlights", isSensitive: false },
  { slug: "other", name: "Other", isSensitive: false },
  // Reported only through the confidential path; createTicket rejects it.
  { slug: "gbv", name: "Gender-based violence", isSensitive: true },
] as const;

export interface SeedAccount {
  role: Role;
  tenantSlug: string;
  tenantName: string;
  name: string;
  /** Staff sign in with email and password. */
  email: string | null;
  /** Residents sign in with their phone number and a one-time code. */
  phone: string | null;
  password: string | null;
}

/**
 * Creates or updates the demonstration municipalities, categories and accounts. Rows are matched
 * by tenant slug, category slug, staff email and resident phone, so running it again changes
 * nothing but resets the seeded names and passwords. Returns the accounts for printing.
 */
export async function seed(db?: Database): Promise<SeedAccount[]> {
  // Hashing is slow by design, so it happens before the transaction opens.
  const passwordHashes = new Map<string, string>();
  for (const tenant of SEED_TENANTS) {
    for (const member of tenant.staff) passwordHashes.set(member.email, await hashPassword(DEMO_PASSWORD));
  }

  return withSystem(async (tx) => {
    const accounts: SeedAccount[] = [];
    for (const definition of SEED_TENANTS) {
      const tenantId = await upsertTenant(tx, definition);
      await upsertCategories(tx, tenantId);

      for (const member of definition.staff) {
        await tx
          .insert(users)
          .values({ tenantId, role: member.role, name: member.name, email: member.email, passwordHash: passwordHashes.get(member.email) })
          .onConflictDoUpdate({
            target: users.email,
            targetWhere: sql`${users.email} is not null`,
            set: { tenantId, role: member.role, name: member.name, passwordHash: passwordHashes.get(member.email) },
          });
        accounts.push({ role: member.role, tenantSlug: definition.slug, tenantName: definition.name, name: member.name, email: member.email, phone: null, password: DEMO_PASSWORD });
      }

      const resident = definition.resident;
      await tx
        .insert(users)
        .values({ tenantId, role: "resident", name: resident.name, phone: resident.phone })
        .onConflictDoUpdate({
          target: [users.tenantId, users.phone],
          targetWhere: sql`${users.phone} is not null`,
          set: { role: "resident", name: resident.name },
        });
      accounts.push({ role: "resident", tenantSlug: definition.slug, tenantName: definition.name, name: resident.name, email: null, phone: resident.phone, password: null });
    }
    return accounts;
  }, db);
}

async function upsertTenant(tx: Tx, definition: SeedTenant): Promise<string> {
  const values = { name: definition.name, code: definition.code, whatsappNumber: definition.whatsappNumber };
  const settings: TenantSettings = definition.whatsapp ? { whatsapp: definition.whatsapp } : {};
  const [row] = await tx
    .insert(tenants)
    .values({ slug: definition.slug, ...values, settings })
    // Merged, so settings an administrator added (requireVerifiedResidence) survive a re-seed.
    .onConflictDoUpdate({ target: tenants.slug, set: { ...values, settings: sql`${tenants.settings} || excluded.settings` } })
    .returning({ id: tenants.id });
  if (!row) throw new Error(`seed: upsert of tenant ${definition.slug} returned no row`);
  return row.id;
}

async function upsertCategories(tx: Tx, tenantId: string): Promise<void> {
  for (const [index, category] of SEED_CATEGORIES.entries()) {
    const values = { name: category.name, isSensitive: category.isSensitive, sortOrder: (index + 1) * 10 };
    await tx
      .insert(categories)
      .values({ tenantId, slug: category.slug, ...values })
      .onConflictDoUpdate({ target: [categories.tenantId, categories.slug], set: values });
  }
}

/** Renders the accounts as a plain-text table for the terminal: role, municipality, sign-in name, password. */
export function formatAccountTable(accounts: SeedAccount[]): string {
  const header = ["Role", "Municipality", "Email or phone", "Password"];
  const rows = accounts.map((account) => [
    account.role,
    account.tenantName,
    account.email ?? account.phone ?? "",
    account.password ?? "one-time code from /dev/outbox",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}
