-- The tenant list is public within the application; only system work may change it.
REVOKE INSERT, UPDATE, DELETE ON "tenants" FROM bika_app;
--> statement-breakpoint
-- The audit log is append-only for every application role.
REVOKE UPDATE, DELETE ON "audit_events" FROM bika_app, bika_system;
--> statement-breakpoint
-- Apply the policies to the owning role as well, so no connection reads across tenants by accident.
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "one_time_codes" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "categories" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "tickets" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "ticket_counters" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "media_attachments" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "jobs" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "dev_outbox" FORCE ROW LEVEL SECURITY;
