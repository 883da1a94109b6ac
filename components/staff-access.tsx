import Link from "next/link";
import { redirect } from "next/navigation";
import { getActor } from "@/lib/auth/session";
import { isStaff, type Actor } from "@/lib/auth/types";
import { SignOutButton } from "./sign-out-button";
import { ROLE_LABELS } from "./staff-labels";

/**
 * Returns the signed-in actor of a dashboard page, or redirects to the staff sign-in page when there
 * is none. `allowed` is false for residents and platform administrators, who see
 * `<StaffOnlyNotice>` instead of the page.
 */
export async function getStaffAccess(returnPath: string): Promise<{ actor: Actor; allowed: boolean }> {
  const actor = await getActor();
  if (!actor) redirect(`/dashboard/signin?callbackUrl=${encodeURI(returnPath)}`);
  return { actor, allowed: isStaff(actor.role) };
}

export function StaffOnlyNotice({ actor, title }: { actor: Actor; title: string }) {
  return (
    <main id="main" className="wide">
      <h1>{title}</h1>
      <div className="notice" role="alert">
        <p>
          This page is for municipal staff (agents, managers and SAPS liaison officers). You are signed in as{" "}
          {actor.name}, a {ROLE_LABELS[actor.role].toLowerCase()}, so you cannot see it.
        </p>
        {actor.role === "resident" ? (
          <p>
            <Link href={`/m/${actor.tenantSlug}`}>Go to the resident portal</Link>
          </p>
        ) : null}
        <SignOutButton label="Sign out" />
      </div>
    </main>
  );
}
