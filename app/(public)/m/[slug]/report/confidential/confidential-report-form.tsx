"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { submitConfidentialReport } from "@/app/actions/gbv";
import { EvidenceUploader } from "@/components/evidence-uploader";
import { FieldError } from "@/components/field-error";
import { ACCOUNT_MAX, CONTACT_DETAILS_MAX, PLACE_MAX, SAFE_CONTACT_METHODS, WHEN_MAX, type SafeContactMethod } from "@/lib/gbv/confidential-details";
import { gbvTranslator, type GbvMessageKey } from "@/lib/gbv/messages";
import type { Locale } from "@/lib/i18n";

const MAX_EVIDENCE_FILES = 5;

type Field = "account" | "when" | "place" | "contactMethod" | "contactDetails" | "attachments";

const FIELD_INPUT_IDS: Record<Field, string> = {
  account: "gbv-account",
  when: "gbv-when",
  place: "gbv-place",
  contactMethod: "gbv-contact-method",
  contactDetails: "gbv-contact-details",
  attachments: "gbv-evidence",
};

const FIELD_MESSAGES: Record<Field, GbvMessageKey> = {
  account: "error.account",
  when: "error.when",
  place: "error.place",
  contactMethod: "error.contactMethod",
  contactDetails: "error.contactDetails",
  attachments: "error.attachments",
};

const CODE_MESSAGES: Partial<Record<string, GbvMessageKey>> = {
  forbidden: "error.forbidden",
  not_found: "error.forbidden",
  unauthenticated: "error.unauthenticated",
  rate_limited: "error.rate_limited",
  unavailable: "error.unavailable",
};

function toFormField(key: string): Field | null {
  const head = key.split(".")[0];
  if (head === "attachmentFileIds") return "attachments";
  return head && head in FIELD_INPUT_IDS ? (head as Field) : null;
}

interface SubmitErrors {
  fields: Partial<Record<Field, true>>;
  general: GbvMessageKey | null;
}

/**
 * Renders the confidential report form. Its values live only in React state, so nothing goes to
 * localStorage or sessionStorage. Autocomplete is off, the server action returns only the
 * reference, and the confirmation page replaces this one in the history.
 */
export function ConfidentialReportForm({ slug, locale }: { slug: string; locale: Locale }) {
  const t = gbvTranslator(locale);
  const router = useRouter();
  const [account, setAccount] = useState("");
  const [when, setWhen] = useState("");
  const [place, setPlace] = useState("");
  const [contactMethod, setContactMethod] = useState("");
  const [contactDetails, setContactDetails] = useState("");
  const [evidence, setEvidence] = useState<{ fileIds: string[]; busy: boolean }>({ fileIds: [], busy: false });
  const [errors, setErrors] = useState<SubmitErrors | null>(null);
  const [pending, startTransition] = useTransition();
  const summaryRef = useRef<HTMLDivElement>(null);
  const focusSummary = useRef(false);

  useEffect(() => {
    if (errors && focusSummary.current) {
      focusSummary.current = false;
      summaryRef.current?.focus();
    }
  }, [errors]);

  const clearFieldError = useCallback((field: Field) => {
    setErrors((current) => {
      if (!current?.fields[field]) return current;
      const fields = { ...current.fields };
      delete fields[field];
      return Object.keys(fields).length === 0 && current.general === null ? null : { ...current, fields };
    });
  }, []);

  const onEvidenceChange = useCallback(
    (state: { fileIds: string[]; busy: boolean }) => {
      setEvidence(state);
      clearFieldError("attachments");
    },
    [clearFieldError],
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (evidence.busy || pending) return;
    startTransition(async () => {
      const result = await submitConfidentialReport(slug, {
        account,
        when,
        place,
        contactMethod: contactMethod === "" ? undefined : (contactMethod as SafeContactMethod),
        contactDetails,
        attachmentFileIds: evidence.fileIds,
      });
      if (result.ok) {
        setAccount("");
        setWhen("");
        setPlace("");
        setContactMethod("");
        setContactDetails("");
        router.replace(`/m/${slug}/report/confidential/submitted?ref=${encodeURIComponent(result.data.reference)}`);
        return;
      }
      const fields: Partial<Record<Field, true>> = {};
      for (const key of Object.keys(result.fieldErrors ?? {})) {
        const field = toFormField(key);
        if (field) fields[field] = true;
      }
      const hasFieldErrors = Object.keys(fields).length > 0;
      focusSummary.current = true;
      setErrors({ fields, general: hasFieldErrors ? null : (CODE_MESSAGES[result.code] ?? "error.internal") });
    });
  }

  const fieldError = (field: Field) => (errors?.fields[field] ? t(FIELD_MESSAGES[field]) : null);
  const describedBy = (...ids: (string | false | null | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;
  const fieldsWithErrors = (Object.keys(FIELD_INPUT_IDS) as Field[]).filter((field) => errors?.fields[field]);

  return (
    <form onSubmit={onSubmit} noValidate autoComplete="off" className="report-form">
      {errors ? (
        <div ref={summaryRef} tabIndex={-1} role="alert" className="error-summary" aria-labelledby="gbv-error-title">
          <h2 id="gbv-error-title">{t("form.notSent")}</h2>
          {errors.general ? <p>{t(errors.general)}</p> : null}
          {fieldsWithErrors.length > 0 ? (
            <>
              <p>{t("form.fixFields")}</p>
              <ul>
                {fieldsWithErrors.map((field) => (
                  <li key={field}>
                    <a href={`#${FIELD_INPUT_IDS[field]}`}>{t(FIELD_MESSAGES[field])}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}

      <div className="field">
        <label htmlFor="gbv-account">
          {t("form.account")} <span className="muted">({t("form.required")})</span>
        </label>
        <p id="gbv-account-hint" className="hint">
          {t("form.accountHint")}
        </p>
        <textarea
          id="gbv-account"
          name="account"
          required
          autoComplete="off"
          maxLength={ACCOUNT_MAX}
          rows={8}
          value={account}
          onChange={(event) => {
            setAccount(event.target.value);
            clearFieldError("account");
          }}
          aria-invalid={errors?.fields.account ? true : undefined}
          aria-describedby={describedBy("gbv-account-hint", errors?.fields.account && "gbv-account-error")}
        />
        <p className="hint counter">{t("form.accountCount", { count: account.length })}</p>
        <FieldError id="gbv-account-error" message={fieldError("account")} />
      </div>

      <div className="field">
        <label htmlFor="gbv-when">
          {t("form.when")} <span className="muted">({t("form.optional")})</span>
        </label>
        <p id="gbv-when-hint" className="hint">
          {t("form.whenHint")}
        </p>
        <input
          id="gbv-when"
          name="when"
          type="text"
          autoComplete="off"
          maxLength={WHEN_MAX}
          value={when}
          onChange={(event) => {
            setWhen(event.target.value);
            clearFieldError("when");
          }}
          aria-invalid={errors?.fields.when ? true : undefined}
          aria-describedby={describedBy("gbv-when-hint", errors?.fields.when && "gbv-when-error")}
        />
        <FieldError id="gbv-when-error" message={fieldError("when")} />
      </div>

      <div className="field">
        <label htmlFor="gbv-place">
          {t("form.place")} <span className="muted">({t("form.optional")})</span>
        </label>
        <p id="gbv-place-hint" className="hint">
          {t("form.placeHint")}
        </p>
        <input
          id="gbv-place"
          name="place"
          type="text"
          autoComplete="off"
          maxLength={PLACE_MAX}
          value={place}
          onChange={(event) => {
            setPlace(event.target.value);
            clearFieldError("place");
          }}
          aria-invalid={errors?.fields.place ? true : undefined}
          aria-describedby={describedBy("gbv-place-hint", errors?.fields.place && "gbv-place-error")}
        />
        <FieldError id="gbv-place-error" message={fieldError("place")} />
      </div>

      <fieldset className="field">
        <legend>
          {t("form.contactHeading")} <span className="muted">({t("form.optional")})</span>
        </legend>
        <label htmlFor="gbv-contact-method">{t("form.contactMethod")}</label>
        <select
          id="gbv-contact-method"
          name="contactMethod"
          autoComplete="off"
          value={contactMethod}
          onChange={(event) => {
            setContactMethod(event.target.value);
            clearFieldError("contactMethod");
          }}
          aria-invalid={errors?.fields.contactMethod ? true : undefined}
          aria-describedby={describedBy(errors?.fields.contactMethod && "gbv-contact-method-error")}
        >
          <option value="">{t("form.contactMethodPlaceholder")}</option>
          {SAFE_CONTACT_METHODS.map((method) => (
            <option key={method} value={method}>
              {t(`contact.${method}`)}
            </option>
          ))}
        </select>
        <FieldError id="gbv-contact-method-error" message={fieldError("contactMethod")} />

        <label htmlFor="gbv-contact-details">{t("form.contactDetails")}</label>
        <p id="gbv-contact-details-hint" className="hint">
          {t("form.contactDetailsHint")}
        </p>
        <textarea
          id="gbv-contact-details"
          name="contactDetails"
          autoComplete="off"
          maxLength={CONTACT_DETAILS_MAX}
          rows={3}
          value={contactDetails}
          onChange={(event) => {
            setContactDetails(event.target.value);
            clearFieldError("contactDetails");
          }}
          aria-invalid={errors?.fields.contactDetails ? true : undefined}
          aria-describedby={describedBy("gbv-contact-details-hint", errors?.fields.contactDetails && "gbv-contact-details-error")}
        />
        <FieldError id="gbv-contact-details-error" message={fieldError("contactDetails")} />
      </fieldset>

      <fieldset className="field" id="gbv-evidence" tabIndex={-1}>
        <legend>
          {t("form.evidence")} <span className="muted">({t("form.optional")})</span>
        </legend>
        <p className="hint">{t("form.evidenceHint")}</p>
        <EvidenceUploader purpose="evidence" maxFiles={MAX_EVIDENCE_FILES} locale={locale} onChange={onEvidenceChange} />
        <FieldError id="gbv-evidence-error" message={fieldError("attachments")} />
      </fieldset>

      <div className="form-actions">
        <button type="submit" disabled={evidence.busy || pending} aria-describedby={evidence.busy ? "gbv-wait-hint" : undefined}>
          {pending ? t("form.submitting") : t("form.submit")}
        </button>
        {evidence.busy ? (
          <p id="gbv-wait-hint" className="hint">
            {t("form.waitForUploads")}
          </p>
        ) : null}
      </div>
    </form>
  );
}
