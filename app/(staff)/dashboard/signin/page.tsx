import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { getActor } from "@/lib/auth/session";
import { isStaff } from "@/lib/auth/types";
import { StaffSignInForm } from "./staff-sign-in-form";

export const metadata: Metadata = { title: "Staff sign-in" };

interface PageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function StaffSignInPage({ searchParams }: PageProps) {
  const query = await searchParams;
  const callbackUrl = safeCallbackPath(query.callbackUrl, "/dashboard");
  const actor = await getActor();
  if (actor && isStaff(actor.role)) redirect(callbackUrl);

  return (
    <main id="main">
      <h1>Staff sign-in</h1>
      <p>Municipal staff sign in with the email address and password their manager set up.</p>
      {actor ? (
        <p className="muted">
          You are signed in as {actor.name}, who is not municipal staff. Signing in here replaces that session.
        </p>
      ) : null}
      {/* next-auth sends its own failures here as ?error= when a request bypasses the form. */}
      <StaffSignInForm callbackUrl={callbackUrl} initialError={typeof query.error === "string" ? query.error : null} />
    </main>
  );
}
