import { boolean, doublePrecision, index, integer, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { encryptedText } from "@/lib/crypto/encrypted-column";
import { id, tenantPolicies, timestamps } from "./common";
import { tenants } from "./tenants";
import { users } from "./users";

export const ticketStatus = pgEnum("ticket_status", [
  "new",
  "acknowledged",
  "assigned",
  "in_progress",
  "resolved",
  "closed",
  "rejected",
]);
export const channel = pgEnum("channel", ["web", "whatsapp"]);

export const categories = pgTable(
  "categories",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** Tickets in a sensitive category (GBV) follow the confidential path. */
    isSensitive: boolean("is_sensitive").notNull().default(false),
    sortOrder: integer("sort_order").notNull().default(0),
    ...timestamps,
  },
  (t) => [uniqueIndex("categories_tenant_id_slug_idx").on(t.tenantId, t.slug), ...tenantPolicies("categories")],
).enableRLS();

export const tickets = pgTable(
  "tickets",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    /** Human reference such as TSH-2026-000123, sequential per tenant and year. */
    reference: text("reference").notNull(),
    reporterId: uuid("reporter_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "restrict" }),
    status: ticketStatus("status").notNull().default("new"),
    channel: channel("channel").notNull(),
    /** WGS-84 decimal degrees; null when the resident shared no position. */
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    addressText: text("address_text"),
    ward: text("ward"),
    /** For sensitive tickets only the generic text "GBV incident report"; the account is encrypted. */
    description: text("description").notNull(),
    isSensitive: boolean("is_sensitive").notNull().default(false),
    /** Fernet token of the confidential account; decrypted only by an explicit, audited reveal. */
    encryptedDescription: encryptedText("encrypted_description"),
    /** Fernet token of where the incident happened (sensitive tickets only). */
    encryptedLocation: encryptedText("encrypted_location"),
    /** Fernet token of how and when it is safe to contact the reporter (sensitive tickets only). */
    encryptedSafeContact: encryptedText("encrypted_safe_contact"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("tickets_tenant_id_reference_idx").on(t.tenantId, t.reference),
    /** Dashboard list: newest first with keyset pagination on (created_at, id). */
    index("tickets_tenant_id_created_at_id_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    /** A resident's own reports. */
    index("tickets_reporter_id_created_at_idx").on(t.reporterId, t.createdAt),
    ...tenantPolicies("tickets"),
  ],
).enableRLS();

/** Last issued ticket number per tenant and calendar year; the row lock serialises reference allocation. */
export const ticketCounters = pgTable(
  "ticket_counters",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    year: integer("year").notNull(),
    lastValue: integer("last_value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.year] }), ...tenantPolicies("ticket_counters")],
).enableRLS();
