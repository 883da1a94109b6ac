import { z } from "zod";
import type { ConversationState } from "@/db/schema";
import { SAFE_CONTACT_METHODS } from "@/lib/gbv/confidential-details";

// The shapes a conversation's draft takes between messages. Drafts are stored as JSON by an earlier
// request, possibly of an earlier release, so they are parsed with zod on every read. A draft that
// no longer parses sends the resident back to the menu.

/** Hours without a message from the resident after which an unfinished conversation starts again. */
export const IDLE_RESTART_HOURS = 24;

export const EVIDENCE_KINDS = ["image", "video", "audio", "document"] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const ReportDraft = z.object({
  flow: z.literal("report"),
  /** Categories in the order the numbered list showed them. */
  categoryChoices: z.array(z.object({ id: z.uuid(), name: z.string() })),
  categoryId: z.uuid().optional(),
  categoryName: z.string().optional(),
  description: z.string().optional(),
  location: z
    .object({
      latitude: z.number().optional(),
      longitude: z.number().optional(),
      addressText: z.string().optional(),
    })
    .optional(),
  /** Files queued for download, in the order they arrived; `position` is what messages call them. */
  evidence: z.array(z.object({ fileId: z.uuid(), position: z.number().int(), kind: z.enum(EVIDENCE_KINDS) })),
  /** True once the resident sent "done" or the files reached the limit. */
  evidenceDone: z.boolean(),
});
export type ReportDraft = z.infer<typeof ReportDraft>;

export const StatusDraft = z.object({
  flow: z.literal("status"),
  /** References in the order the numbered list showed them. */
  references: z.array(z.string()),
});
export type StatusDraft = z.infer<typeof StatusDraft>;

export const Draft = z.discriminatedUnion("flow", [ReportDraft, StatusDraft]);
export type Draft = z.infer<typeof Draft>;

/**
 * The confidential report being put together. It is only ever stored encrypted (the
 * conversation's encrypted_draft column), never in the JSON draft.
 */
export const ConfidentialDraft = z.object({
  account: z.string().optional(),
  /** Null when the resident chose to skip the question. */
  when: z.string().nullable().optional(),
  place: z.string().nullable().optional(),
  contactMethod: z.enum(SAFE_CONTACT_METHODS).nullable().optional(),
  contactDetails: z.string().nullable().optional(),
});
export type ConfidentialDraft = z.infer<typeof ConfidentialDraft>;

/** Reads a stored draft, or returns null for an empty or unreadable one. */
export function readDraft(stored: Record<string, unknown>): Draft | null {
  const parsed = Draft.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

const CONFIDENTIAL_STATES: ReadonlySet<ConversationState> = new Set([
  "gbv_account",
  "gbv_when",
  "gbv_place",
  "gbv_contact_method",
  "gbv_contact_details",
  "gbv_confirm",
]);

/** Tells whether messages in this state carry confidential details, which must never be stored in plain text. */
export function isConfidentialState(state: ConversationState): boolean {
  return CONFIDENTIAL_STATES.has(state);
}

/** Tells whether a conversation whose last message came at `lastInboundAt` has been idle too long to continue. */
export function isIdleExpired(lastInboundAt: Date | null, now: Date): boolean {
  return lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() > IDLE_RESTART_HOURS * 60 * 60 * 1000;
}
