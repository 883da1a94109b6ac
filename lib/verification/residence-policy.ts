import type { TenantSettings } from "@/db/schema/tenants";
import type { MyVerification } from "./get-my-verification";

/**
 * Returns why the tenant's policy stops a resident from reporting on the web. The result is
 * "pending" while a document waits for review, "required" when none was accepted, and null when
 * they may report. createTicket enforces the same rule, so this only lets the report page explain it.
 */
export function residencePolicyBlock(settings: TenantSettings, status: MyVerification["status"]): "required" | "pending" | null {
  if (!settings.requireVerifiedResidence || status === "verified") return null;
  return status === "pending" ? "pending" : "required";
}
