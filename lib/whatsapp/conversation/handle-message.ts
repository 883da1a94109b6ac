import { isCommand, parseStatusCommand } from "../commands";
import { confidentialPrompt, continueConfidentialReport } from "./confidential-flow";
import { backToMenu, stay, type ConversationContext, type StepOutcome } from "./context";
import { isConfidentialState, isIdleExpired } from "./draft";
import { handleLanguageChoice, handleMenu } from "./menu-flow";
import { continueReport, reportPrompt } from "./report-flow";
import { continueStatusCheck, exampleReference, reportStatusLine, statusPrompt } from "./status-flow";

/**
 * Advances the conversation by one inbound message. Before the current state handles the message:
 * a conversation idle for a day starts again, and "cancel", "menu", "help" and
 * "status <reference>" work in every state.
 */
export async function handleConversationMessage(c: ConversationContext): Promise<StepOutcome> {
  const { state, lastInboundAt } = c.conversation;
  const text = c.message.text;
  const confidential = isConfidentialState(state);
  const hasDraft = state !== "menu" && state !== "language";

  if (state !== "menu" && isIdleExpired(lastInboundAt, c.now)) {
    c.log.info({ state }, "idle conversation restarted");
    return backToMenu([c.t("expired"), c.t("menu")]);
  }
  if (isCommand(text, "cancel")) {
    if (state === "menu") return backToMenu([c.t("nothingToCancel"), c.t("menu")]);
    return backToMenu([c.t(confidential ? "gbvDiscarded" : "cancelled"), c.t("menu")]);
  }
  if (isCommand(text, "menu")) {
    if (confidential) return backToMenu([c.t("gbvDiscarded"), c.t("menu")]);
    return backToMenu(hasDraft ? [c.t("draftDiscarded"), c.t("menu")] : [c.t("menu")]);
  }
  if (isCommand(text, "help")) return stay(c, [c.t("help", { example: exampleReference(c) }), currentPrompt(c)]);

  const reference = parseStatusCommand(text);
  if (reference !== null) return stay(c, [await reportStatusLine(c, reference)]);

  if (state === "menu") return handleMenu(c);
  if (state === "language") return handleLanguageChoice(c);
  if (confidential) return continueConfidentialReport(c);
  const draft = c.draft;
  if (state === "status_reference" && draft?.flow === "status") return continueStatusCheck(c, draft);
  if (draft?.flow === "report") return continueReport(c, draft);

  c.log.warn({ state }, "conversation draft missing or unreadable; back to the menu");
  return backToMenu([c.t("menu")]);
}

function currentPrompt(c: ConversationContext): string {
  const { state } = c.conversation;
  if (state === "menu") return c.t("menu");
  if (state === "language") return c.t("languagePrompt");
  if (state === "status_reference") return statusPrompt(c);
  if (isConfidentialState(state)) return confidentialPrompt(c, state);
  if (c.draft?.flow === "report") return reportPrompt(c, state, c.draft);
  return c.t("menu");
}
