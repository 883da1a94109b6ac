"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

interface SignOutButtonProps {
  /** Button text; resident pages pass their translation. */
  label: string;
  /** Same-origin path to open afterwards; without it the current page reloads, signed out. */
  callbackUrl?: string;
}

/** Ends the next-auth session (a POST with its CSRF token) and leaves the page signed out. */
export function SignOutButton({ label, callbackUrl }: SignOutButtonProps) {
  const [busy, setBusy] = useState(false);

  async function handleClick() {
    setBusy(true);
    try {
      // redirect: false because next-auth's redirect would use its configured origin, which can
      // differ from the host the browser is on (localhost and 127.0.0.1).
      await signOut({ redirect: false });
    } finally {
      if (callbackUrl) window.location.assign(callbackUrl);
      else window.location.reload();
    }
  }

  return (
    <button type="button" className="secondary" onClick={handleClick} disabled={busy}>
      {label}
    </button>
  );
}
