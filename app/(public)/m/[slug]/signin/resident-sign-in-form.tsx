"use client";

import { signIn } from "next-auth/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { residentSignInMessages, type ResidentSignInMessageKey } from "@/lib/auth/messages";
import { isResidentSignInFailure, type ResidentSignInFailure } from "@/lib/auth/sign-in-failures";
import { createTranslator, type Locale } from "@/lib/i18n";
import { requestSignInCode } from "./actions";

interface ResidentSignInFormProps {
  tenantSlug: string;
  locale: Locale;
  /** Same-origin path to open after signing in. */
  callbackUrl: string;
}

const FAILURE_MESSAGES: Partial<Record<ResidentSignInFailure, ResidentSignInMessageKey>> = {
  wrong_code: "codeWrong",
  code_expired: "codeExpired",
  code_locked: "codeLocked",
};

type Step = { kind: "phone" } | { kind: "code"; phone: string; displayPhone: string };

/** Two steps: the mobile number (the server sends a code), then the six-digit code. */
export function ResidentSignInForm({ tenantSlug, locale, callbackUrl }: ResidentSignInFormProps) {
  const t = createTranslator(residentSignInMessages, locale);
  const [step, setStep] = useState<Step>({ kind: "phone" });
  const [phoneInput, setPhoneInput] = useState("");
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);
  const phoneField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (step.kind === "code") codeInput.current?.focus();
  }, [step]);

  async function sendCode(phone: string) {
    setBusy(true);
    setPhoneError(null);
    setCodeError(null);
    setFormError(null);
    try {
      const result = await requestSignInCode(tenantSlug, { phone });
      if (result.ok) {
        setStep({ kind: "code", phone: result.data.phone, displayPhone: result.data.displayPhone });
        if (codeInput.current) codeInput.current.value = "";
        codeInput.current?.focus();
      } else if (result.fieldErrors?.phone?.[0]) {
        setStep({ kind: "phone" });
        setPhoneError(result.fieldErrors.phone[0]);
        phoneField.current?.focus();
      } else {
        setFormError(result.message);
      }
    } catch {
      setFormError(t("signInFailed"));
    } finally {
      setBusy(false);
    }
  }

  async function handlePhoneSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const phone = phoneInput.trim();
    if (phone === "") {
      setPhoneError(t("phoneInvalid"));
      phoneField.current?.focus();
      return;
    }
    await sendCode(phone);
  }

  async function handleCodeSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step.kind !== "code") return;
    const form = new FormData(event.currentTarget);
    const code = String(form.get("code") ?? "").replace(/\s/g, "");
    const name = String(form.get("name") ?? "").trim();
    setFormError(null);
    if (!/^\d{6}$/.test(code)) {
      setCodeError(t("codeFormat"));
      codeInput.current?.focus();
      return;
    }
    setCodeError(null);

    setBusy(true);
    try {
      // redirect: false so this page navigates itself to the checked callbackUrl on this host.
      const result = await signIn("resident-otp", { redirect: false, tenantSlug, phone: step.phone, code, name, locale });
      if (result?.ok && !result.error) {
        window.location.assign(callbackUrl);
        return;
      }
      const failure = isResidentSignInFailure(result?.error) ? result.error : null;
      setCodeError(t((failure && FAILURE_MESSAGES[failure]) ?? "signInFailed"));
      codeInput.current?.focus();
      setBusy(false);
    } catch {
      setFormError(t("signInFailed"));
      setBusy(false);
    }
  }

  const formErrorBlock = formError ? (
    <p className="error" role="alert" id="sign-in-error">
      {formError}
    </p>
  ) : null;

  if (step.kind === "phone") {
    return (
      <form onSubmit={handlePhoneSubmit} noValidate aria-describedby={formError ? "sign-in-error" : undefined}>
        <p>{t("intro")}</p>
        {formErrorBlock}
        <label htmlFor="phone">{t("phoneLabel")}</label>
        <p id="phone-hint" className="muted">
          {t("phoneHint")}
        </p>
        <input
          ref={phoneField}
          id="phone"
          name="phone"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          required
          value={phoneInput}
          onChange={(event) => setPhoneInput(event.target.value)}
          aria-invalid={phoneError ? true : undefined}
          aria-describedby={phoneError ? "phone-hint phone-error" : "phone-hint"}
        />
        {phoneError ? (
          <p id="phone-error" className="field-error error" role="alert">
            {phoneError}
          </p>
        ) : null}
        <p>
          <button type="submit" disabled={busy}>
            {busy ? t("sending") : t("sendCode")}
          </button>
        </p>
      </form>
    );
  }

  return (
    <div>
      <p role="status">{t("codeSent", { phone: step.displayPhone })}</p>
      {formErrorBlock}
      <form onSubmit={handleCodeSubmit} noValidate>
        <label htmlFor="code">{t("codeLabel")}</label>
        <input
          ref={codeInput}
          id="code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          aria-invalid={codeError ? true : undefined}
          aria-describedby={codeError ? "code-error" : undefined}
        />
        {codeError ? (
          <p id="code-error" className="field-error error" role="alert">
            {codeError}
          </p>
        ) : null}
        <label htmlFor="name">{t("nameLabel")}</label>
        <p id="name-hint" className="muted">
          {t("nameHint")}
        </p>
        <input id="name" name="name" type="text" autoComplete="name" maxLength={100} aria-describedby="name-hint" />
        <p>
          <button type="submit" disabled={busy}>
            {busy ? t("signingIn") : t("signIn")}
          </button>
        </p>
      </form>
      <p>
        <button type="button" className="secondary" disabled={busy} onClick={() => sendCode(step.phone)}>
          {t("sendNewCode")}
        </button>{" "}
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => {
            setStep({ kind: "phone" });
            setCodeError(null);
            setFormError(null);
          }}
        >
          {t("changeNumber")}
        </button>
      </p>
    </div>
  );
}
