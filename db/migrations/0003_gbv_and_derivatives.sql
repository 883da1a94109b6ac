ALTER TABLE "tickets" ADD COLUMN "encrypted_location" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "encrypted_safe_contact" text;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD COLUMN "display_key" text;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD COLUMN "thumbnail_key" text;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD COLUMN "derivative_content_type" text;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD COLUMN "processed_at" timestamp with time zone;