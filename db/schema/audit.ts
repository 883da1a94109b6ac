import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, tenantPolicies } from "./common";
import { tenants } from "./tenants";
import { users } from "./users";

/** Append-only: the application role is granted SELECT and INSERT only (see the roles migration). */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "restrict" }),
    /** Dotted verb such as ticket.status_changed or attachment.original_downloaded. */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: uuid("target_id"),
    reason: text("reason"),
    requestId: text("request_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    /** Audit page: a tenant's events, newest first. */
    index("audit_events_tenant_id_created_at_idx").on(t.tenantId, t.createdAt),
    /** History of one ticket or attachment. */
    index("audit_events_target_id_idx").on(t.targetId),
    ...tenantPolicies("audit_events"),
  ],
).enableRLS();
