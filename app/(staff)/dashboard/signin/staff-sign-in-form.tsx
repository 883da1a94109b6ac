"use client";

import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";

const WRONG_CREDENTIALS =
  "The email address or password is not correct. Check both and try again. After 10 wrong passwords in a row an account is locked for 15 minutes.";
const FAILED = "Signing in failed. Try again; if it keeps failing, ask your manager or the platform administrator.";

/** Maps next-auth's error code to the message shown above the form. */
function messageFor(error: string): string {
  return error === "CredentialsSignin" ? WRONG_CREDENTIALS : FAILED;
}

interface FieldErrors {
  email?: string;
  password?: string;
}

/** Email and password form posting to the "staff-password" provider. */
export function StaffSignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError: string | null }) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(initialError === null ? null : messageFor(initialError));
  const [busy, setBusy] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");

    const errors: FieldErrors = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) errors.email = "Enter your email address, such as thandi@tshwane.gov.za.";
    if (password === "") errors.password = "Enter your password.";
    setFieldErrors(errors);
    setFormError(null);
    if (errors.email || errors.password) {
      (errors.email ? emailInput : passwordInput).current?.focus();
      return;
    }

    setBusy(true);
    try {
      // redirect: false so this page navigates itself to the checked callbackUrl on this host.
      const result = await signIn("staff-password", { redirect: false, email, password });
      if (result?.ok && !result.error) {
        window.location.assign(callbackUrl);
        return;
      }
      setFormError(messageFor(result?.error ?? "unknown"));
    } catch {
      setFormError(FAILED);
    }
    setBusy(false);
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      {formError ? (
        <p className="error" role="alert">
          {formError}
        </p>
      ) : null}
      <label htmlFor="email">Email address</label>
      <input
        ref={emailInput}
        id="email"
        name="email"
        type="email"
        autoComplete="username"
        required
        aria-invalid={fieldErrors.email ? true : undefined}
        aria-describedby={fieldErrors.email ? "email-error" : undefined}
      />
      {fieldErrors.email ? (
        <p id="email-error" className="field-error error" role="alert">
          {fieldErrors.email}
        </p>
      ) : null}
      <label htmlFor="password">Password</label>
      <input
        ref={passwordInput}
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={fieldErrors.password ? true : undefined}
        aria-describedby={fieldErrors.password ? "password-error" : undefined}
      />
      {fieldErrors.password ? (
        <p id="password-error" className="field-error error" role="alert">
          {fieldErrors.password}
        </p>
      ) : null}
      <p>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </p>
    </form>
  );
}
