-- bika_app: tenant data, one tenant per transaction (db/client.ts `withTenant`).
-- bika_system: work that spans tenants (`withSystem`). Neither owns a table or is a superuser, and
-- every table forces row-level security, so both reach rows only through policies. Tables created
-- later by the migrating role grant both roles DML by default; the grants migration narrows that
-- for the tenant list and the append-only audit log.
-- Roles belong to the whole cluster, so databases migrating at the same moment may race to create
-- them; the exception handlers make the loser a no-op.
DO $$
BEGIN
  CREATE ROLE bika_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  CREATE ROLE bika_system NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO bika_app, bika_system;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bika_app, bika_system;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO bika_app, bika_system;
