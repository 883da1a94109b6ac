import type { Metadata } from "next";
import type { ReactNode } from "react";
import { StaffHeader } from "@/components/staff-header";
import { getActor } from "@/lib/auth/session";
import { isStaff } from "@/lib/auth/types";
import { getTenantBySlug } from "@/lib/tenants/get-tenant";

export const metadata: Metadata = {
  title: { template: "%s · Bika dashboard", default: "Bika dashboard" },
};

// The staff sign-in page renders inside this layout too, so the layout only shows who is signed in.
// Each page checks access itself, and the lib verbs check again.
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const actor = await getActor();
  const staff = actor && isStaff(actor.role) ? actor : null;
  const tenant = staff ? await getTenantBySlug(staff.tenantSlug) : null;

  return (
    <div className="dashboard">
      <StaffHeader staff={staff} tenantName={tenant?.name ?? null} />
      {children}
    </div>
  );
}
