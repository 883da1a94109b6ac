"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState, useTransition, type FormEvent } from "react";
import { submitProofOfResidenceAction } from "@/app/actions/verification";
import { EvidenceUploader } from "@/components/evidence-uploader";
import type { Locale } from "@/lib/i18n";
import { verificationTranslator } from "@/lib/verification/messages";

export interface VerificationUploadFormProps {
  slug: string;
  locale: Locale;
}

/** Uploads one proof-of-residence document and submits it for review, then reloads the page's status. */
export function VerificationUploadForm({ slug, locale }: VerificationUploadFormProps) {
  const t = verificationTranslator(locale);
  const router = useRouter();
  const [upload, setUpload] = useState<{ fileIds: string[]; busy: boolean }>({ fileIds: [], busy: false });
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  const onUploadChange = useCallback((state: { fileIds: string[]; busy: boolean }) => {
    setUpload(state);
    setMessage(null);
  }, []);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (upload.busy) return setMessage({ kind: "error", text: t("verify.busy") });
    const fileId = upload.fileIds[0];
    if (!fileId) return setMessage({ kind: "error", text: t("verify.noFile") });
    startTransition(async () => {
      const result = await submitProofOfResidenceAction(slug, { fileId });
      if (result.ok) {
        setMessage({ kind: "success", text: t("verify.submitted") });
        router.refresh();
      } else {
        setMessage({ kind: "error", text: t("verify.error", { detail: result.message }) });
      }
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      <p id="verify-upload-hint" className="muted">
        {t("verify.uploadHint")}
      </p>
      <EvidenceUploader purpose="proof_of_residence" maxFiles={1} locale={locale} onChange={onUploadChange} />
      <div className="form-actions">
        <button type="submit" disabled={pending || upload.busy}>
          {pending ? t("verify.submitting") : t("verify.submit")}
        </button>
      </div>
      {message?.kind === "error" ? (
        <p role="alert" className="error">
          {message.text}
        </p>
      ) : null}
      <p role="status" className="success">
        {message?.kind === "success" ? message.text : null}
      </p>
    </form>
  );
}
