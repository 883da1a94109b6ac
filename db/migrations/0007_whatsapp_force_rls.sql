-- Apply the tenant policies to the owning role as well, as for every other tenant-owned table.
ALTER TABLE "whatsapp_messages" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "whatsapp_conversations" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "notification_deliveries" FORCE ROW LEVEL SECURITY;
