import Link from "next/link";
import type { Actor } from "@/lib/auth/types";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";
import { ROLE_LABELS } from "./staff-labels";

/** Renders the dashboard header with the signed-in staff member's name, role and municipality. */
export function StaffHeader({ staff, tenantName }: { staff: Actor | null; tenantName: string | null }) {
  return (
    <header className="site-header staff-header">
      <a href="#main" className="skip-link">
        Skip to main content
      </a>
      <div className="site-header-inner">
        <div className="site-brand">
          <Link href="/dashboard" className="site-name">
            Bika dashboard
          </Link>
          {tenantName ? <span className="site-tenant">{tenantName}</span> : null}
        </div>
        {staff ? (
          <>
            <nav aria-label="Dashboard" className="site-nav">
              <ul>
                <li>
                  <NavLink href="/dashboard">Tickets</NavLink>
                </li>
                {staff.role === "manager" ? (
                  <li>
                    <NavLink href="/dashboard/verifications">Verifications</NavLink>
                  </li>
                ) : null}
                {staff.role === "manager" || staff.role === "saps_liaison" ? (
                  <li>
                    <NavLink href="/dashboard/audit">Audit log</NavLink>
                  </li>
                ) : null}
              </ul>
            </nav>
            <div className="site-account">
              <span>
                <span className="staff-name">{staff.name}</span>{" "}
                <span className="muted">
                  ({ROLE_LABELS[staff.role]}
                  {tenantName ? `, ${tenantName}` : ""})
                </span>
              </span>
              <SignOutButton label="Sign out" />
            </div>
          </>
        ) : null}
      </div>
    </header>
  );
}
