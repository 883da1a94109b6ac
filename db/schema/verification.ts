import { index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { id, tenantPolicies, timestamps } from "./common";
import { mediaAttachments } from "./media";
import { tenants } from "./tenants";
import { users } from "./users";

export const verificationState = pgEnum("verification_state", [
  "queued",
  "reading",
  "needs_review",
  "approved",
  "rejected",
]);

/** A resident's proof-of-residence document, what the reader extracted from it, and the staff decision. */
export const verificationRequests = pgTable(
  "verification_requests",
  {
    id: id(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    documentId: uuid("document_id")
      .notNull()
      .references(() => mediaAttachments.id, { onDelete: "restrict" }),
    state: verificationState("state").notNull().default("queued"),
    ocrText: text("ocr_text"),
    /** Extracted fields, each `{ value, confidence }` with confidence in 0..1. */
    extractedFields: jsonb("extracted_fields").$type<Record<string, unknown>>(),
    /** Check results, each `{ status: "passed" | "failed" | "unknown", reason }`. */
    checks: jsonb("checks").$type<Record<string, unknown>>(),
    /** Reason the reader could not read the document. The request still waits for a person. */
    readFailure: text("read_failure"),
    reviewerId: uuid("reviewer_id").references(() => users.id, { onDelete: "restrict" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    decisionReason: text("decision_reason"),
    ...timestamps,
  },
  (t) => [
    /** Review queue: a tenant's requests by state, oldest first. */
    index("verification_requests_tenant_id_state_created_at_idx").on(t.tenantId, t.state, t.createdAt),
    /** A resident's own requests. */
    index("verification_requests_user_id_idx").on(t.userId),
    ...tenantPolicies("verification_requests"),
  ],
).enableRLS();
