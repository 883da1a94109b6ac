import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, timestamps } from "./common";

export interface TenantSettings {
  /** When true, web reports are accepted only from residents whose residence is verified. */
  requireVerifiedResidence?: boolean;
  whatsapp?: {
    /** Twilio Messaging Service (MG...) that sends for this municipality; inbound messages naming it resolve here. */
    messagingServiceSid?: string;
    /** Content SID (HX...) of the approved status-update template, sent outside the 24-hour window. */
    statusTemplateContentSid?: string;
  };
}

/** A municipality. Not tenant-owned itself: every signed-in user may read the tenant list. */
export const tenants = pgTable(
  "tenants",
  {
    id: id(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** Municipal Demarcation Board code, such as TSH or MSU; prefixes ticket references. */
    code: text("code").notNull(),
    /** E.164 number residents message on WhatsApp. */
    whatsappNumber: text("whatsapp_number"),
    settings: jsonb("settings").$type<TenantSettings>().notNull().default({}),
    ...timestamps,
  },
  (t) => [uniqueIndex("tenants_slug_idx").on(t.slug), uniqueIndex("tenants_code_idx").on(t.code)],
);
