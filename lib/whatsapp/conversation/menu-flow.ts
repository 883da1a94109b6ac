import { and, eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { LOCALES } from "@/lib/i18n";
import { parseChoice } from "../commands";
import { whatsappTranslator } from "../messages";
import { startConfidentialReport } from "./confidential-flow";
import { backToMenu, type ConversationContext, type StepOutcome } from "./context";
import { looksLikeReportContent, startReport } from "./report-flow";
import { startStatusCheck } from "./status-flow";

const MENU_OPTIONS = 5;

/** Handles a message while the resident is at the menu: a numbered choice, or the first message of a report. */
export async function handleMenu(c: ConversationContext): Promise<StepOutcome> {
  switch (parseChoice(c.message.text, MENU_OPTIONS)) {
    case 1:
      return startReport(c, { withContent: false });
    case 2:
      return startStatusCheck(c);
    case 3:
      return startConfidentialReport(c);
    case 4:
      return backToMenu([residenceStatus(c)]);
    case 5:
      return { state: "language", draft: null, encryptedDraft: null, replies: [c.t("languagePrompt")] };
    default:
      if (looksLikeReportContent(c)) return startReport(c, { withContent: true });
      return backToMenu([`${c.t("welcome", { municipality: c.tenant.name })}\n\n${c.t("menu")}`]);
  }
}

/** Sets the resident's language from a numbered choice; the account keeps it for the web portal too. */
export async function handleLanguageChoice(c: ConversationContext): Promise<StepOutcome> {
  const choice = parseChoice(c.message.text, LOCALES.length);
  if (choice === null) return { state: "language", draft: null, encryptedDraft: null, replies: [c.t("notUnderstood"), c.t("languagePrompt")] };

  const locale = LOCALES[choice - 1]!;
  await c.tx
    .update(users)
    .set({ preferredLanguage: locale })
    .where(and(eq(users.id, c.actor.userId), eq(users.tenantId, c.tenant.id)));
  const t = whatsappTranslator(locale);
  return { ...backToMenu([t("languageSet"), t("menu")]), locale };
}

function residenceStatus(c: ConversationContext): string {
  const municipality = c.tenant.name;
  const status = {
    verified: c.t("verifyVerified", { municipality }),
    pending: c.t("verifyPending", { municipality }),
    rejected: c.t("verifyRejected"),
    unverified: c.t("verifyUnverified"),
  }[c.verificationStatus];
  if (c.verificationStatus === "verified" || c.verificationStatus === "pending") return status;
  return `${status} ${c.t("verifyHow", { url: `${c.publicBaseUrl}/m/${c.tenant.slug}/verify` })}`;
}
