import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, tenantPolicies, timestamps } from "./common";
import { tenants } from "./tenants";

export const jobState = pgEnum("job_state", ["queued", "running", "done", "failed"]);

/** Durable background work, claimed with FOR UPDATE SKIP LOCKED by the worker. */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    state: jobState("state").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    lastError: text("last_error"),
    ...timestamps,
  },
  (t) => [
    /** Worker poll: the next due job. */
    index("jobs_state_run_at_idx").on(t.state, t.runAt),
    ...tenantPolicies("jobs"),
  ],
).enableRLS();

/** Messages that would be sent to residents (one-time codes, notifications) when no provider is configured. */
export const devOutbox = pgTable(
  "dev_outbox",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("dev_outbox_tenant_id_created_at_idx").on(t.tenantId, t.createdAt), ...tenantPolicies("dev_outbox")],
).enableRLS();
