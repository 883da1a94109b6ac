CREATE TYPE "public"."whatsapp_conversation_state" AS ENUM('menu', 'language', 'status_reference', 'report_category', 'report_description', 'report_location', 'report_evidence', 'report_confirm', 'gbv_account', 'gbv_when', 'gbv_place', 'gbv_contact_method', 'gbv_contact_details', 'gbv_confirm');--> statement-breakpoint
CREATE TYPE "public"."notification_kind" AS ENUM('free_text', 'template');--> statement-breakpoint
CREATE TYPE "public"."notification_purpose" AS ENUM('ticket_status', 'media_failed');--> statement-breakpoint
CREATE TYPE "public"."notification_status" AS ENUM('pending', 'queued', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'outbox', 'skipped');--> statement-breakpoint
CREATE TYPE "public"."notification_transport" AS ENUM('twilio', 'outbox');--> statement-breakpoint
CREATE TYPE "public"."whatsapp_direction" AS ENUM('inbound', 'outbound');--> statement-breakpoint
CREATE TYPE "public"."whatsapp_message_state" AS ENUM('received', 'processed', 'failed', 'sent');--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"ticket_id" uuid,
	"recipient_id" uuid,
	"recipient_phone" text,
	"purpose" "notification_purpose" NOT NULL,
	"ticket_status" "ticket_status",
	"kind" "notification_kind" NOT NULL,
	"transport" "notification_transport" NOT NULL,
	"status" "notification_status" DEFAULT 'pending' NOT NULL,
	"body" text,
	"locale" "language_code" DEFAULT 'en' NOT NULL,
	"template_content_sid" text,
	"template_variables" jsonb,
	"provider_message_sid" text,
	"provider_status" text,
	"error_code" text,
	"error_message" text,
	"status_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "whatsapp_conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"user_id" uuid,
	"state" "whatsapp_conversation_state" DEFAULT 'menu' NOT NULL,
	"draft" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"encrypted_draft" text,
	"last_inbound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "whatsapp_conversations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "whatsapp_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"direction" "whatsapp_direction" NOT NULL,
	"message_sid" text,
	"phone" text NOT NULL,
	"params" jsonb,
	"body" text,
	"is_confidential" boolean DEFAULT false NOT NULL,
	"state" "whatsapp_message_state" NOT NULL,
	"error" text,
	"reply_to_id" uuid,
	"redeliveries" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_recipient_id_users_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_conversations" ADD CONSTRAINT "whatsapp_conversations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_conversations" ADD CONSTRAINT "whatsapp_conversations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_messages" ADD CONSTRAINT "whatsapp_messages_reply_to_id_whatsapp_messages_id_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."whatsapp_messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_provider_message_sid_idx" ON "notification_deliveries" USING btree ("provider_message_sid");--> statement-breakpoint
CREATE INDEX "notification_deliveries_ticket_id_created_at_idx" ON "notification_deliveries" USING btree ("ticket_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_conversations_tenant_id_phone_idx" ON "whatsapp_conversations" USING btree ("tenant_id","phone");--> statement-breakpoint
CREATE UNIQUE INDEX "whatsapp_messages_message_sid_idx" ON "whatsapp_messages" USING btree ("message_sid");--> statement-breakpoint
CREATE INDEX "whatsapp_messages_tenant_id_phone_created_at_idx" ON "whatsapp_messages" USING btree ("tenant_id","phone","created_at");--> statement-breakpoint
CREATE POLICY "notification_deliveries_tenant_isolation" ON "notification_deliveries" AS PERMISSIVE FOR ALL TO "bika_app" USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "notification_deliveries_system_access" ON "notification_deliveries" AS PERMISSIVE FOR ALL TO "bika_system" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "whatsapp_conversations_tenant_isolation" ON "whatsapp_conversations" AS PERMISSIVE FOR ALL TO "bika_app" USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "whatsapp_conversations_system_access" ON "whatsapp_conversations" AS PERMISSIVE FOR ALL TO "bika_system" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "whatsapp_messages_tenant_isolation" ON "whatsapp_messages" AS PERMISSIVE FOR ALL TO "bika_app" USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "whatsapp_messages_system_access" ON "whatsapp_messages" AS PERMISSIVE FOR ALL TO "bika_system" USING (true) WITH CHECK (true);