import Link from "next/link";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/session";
import type { Actor } from "@/lib/auth/types";
import { isStaff } from "@/lib/auth/types";
import type { Locale } from "@/lib/i18n";
import { portalTranslator } from "@/lib/portal/messages";
import { getTenantBySlug, type Tenant } from "@/lib/tenants/get-tenant";

export type ResidentAccess =
  | { kind: "resident"; actor: Actor }
  | { kind: "staff"; actor: Actor }
  | { kind: "other_tenant"; actor: Actor; home: { slug: string; name: string } };

/**
 * Resolves who may use a resident page of `tenant`. A visitor without a session is redirected to
 * the portal's sign-in page, which sends them back to `returnPath` afterwards. The lib verbs check
 * role and tenant again; this only chooses what the page shows.
 */
export async function getResidentAccess(tenant: Tenant, returnPath: string): Promise<ResidentAccess> {
  const actor = await getActor();
  if (!actor) redirect(`/m/${tenant.slug}/signin?callbackUrl=${encodeURI(returnPath)}`);
  if (actor.role !== "resident") return { kind: "staff", actor };
  if (actor.tenantId !== tenant.id) {
    const home = await getTenantBySlug(actor.tenantSlug);
    return { kind: "other_tenant", actor, home: { slug: actor.tenantSlug, name: home?.name ?? actor.tenantSlug } };
  }
  return { kind: "resident", actor };
}

/** Explains why a signed-in staff member, or a resident of another municipality, cannot use the page. */
export function ResidentAccessNotice({
  access,
  tenant,
  locale,
}: {
  access: Exclude<ResidentAccess, { kind: "resident" }>;
  tenant: Tenant;
  locale: Locale;
}) {
  const t = portalTranslator(locale);
  if (access.kind === "staff") {
    return (
      <div className="notice" role="alert">
        <p>{t("access.staff")}</p>
        {isStaff(access.actor.role) ? (
          <p>
            <Link href="/dashboard">{t("access.staffDashboard")}</Link>
          </p>
        ) : null}
      </div>
    );
  }
  return (
    <div className="notice" role="alert">
      <p>{t("access.otherTenant", { home: access.home.name, municipality: tenant.name })}</p>
      <p>
        <Link href={`/m/${access.home.slug}`}>{t("access.goHome", { home: access.home.name })}</Link>
      </p>
    </div>
  );
}
