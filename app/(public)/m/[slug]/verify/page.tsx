import type { Metadata } from "next";
import Link from "next/link";
import { formatDate } from "@/components/format";
import { loadPortalTenant } from "@/components/portal-tenant";
import { getResidentAccess, ResidentAccessNotice } from "@/components/resident-access";
import { VerificationUploadForm } from "@/components/verification-upload-form";
import { getRequestLocale } from "@/lib/i18n/locale";
import { DATE_LOCALES } from "@/lib/portal/messages";
import { getMyVerification } from "@/lib/verification/get-my-verification";
import { verificationTranslator } from "@/lib/verification/messages";

interface PageProps {
  params: Promise<{ slug: string }>;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = verificationTranslator(await getRequestLocale());
  return { title: t("verify.title") };
}

/** Shows the resident's proof-of-residence status, the verified address once approved, and the upload form. */
export default async function VerifyPage({ params }: PageProps) {
  const tenant = await loadPortalTenant((await params).slug);
  const locale = await getRequestLocale();
  const t = verificationTranslator(locale);
  const access = await getResidentAccess(tenant, `/m/${tenant.slug}/verify`);

  if (access.kind !== "resident") {
    return (
      <main id="main">
        <h1>{t("verify.title")}</h1>
        <ResidentAccessNotice access={access} tenant={tenant} locale={locale} />
      </main>
    );
  }

  const verification = await getMyVerification(access.actor);
  const mayUpload = verification.status === "unverified" || verification.status === "rejected";

  return (
    <main id="main">
      <h1>{t("verify.title")}</h1>
      <p className="lead">{t("verify.intro", { municipality: tenant.name })}</p>

      <section aria-labelledby="verify-status-heading" className="panel">
        <h2 id="verify-status-heading">{t("verify.statusLabel")}</h2>
        <p>
          <strong data-testid="verification-status">{t(`verify.status.${verification.status}`)}</strong>
        </p>
        {verification.status === "pending" ? <p>{t("verify.pendingHint")}</p> : null}
        {verification.status === "rejected" ? <p>{t("verify.rejectedHint")}</p> : null}
        {verification.status === "verified" && verification.verifiedAddress ? (
          <dl>
            <dt>{t("verify.verifiedAddress")}</dt>
            <dd data-testid="verified-address">{verification.verifiedAddress}</dd>
            {verification.verifiedAt ? <dd className="muted">{t("verify.verifiedOn", { date: formatDate(verification.verifiedAt, DATE_LOCALES[locale]) })}</dd> : null}
          </dl>
        ) : null}
      </section>

      {mayUpload ? (
        <section aria-labelledby="verify-upload-heading">
          <h2 id="verify-upload-heading">{t("verify.uploadHeading")}</h2>
          <VerificationUploadForm slug={tenant.slug} locale={locale} />
        </section>
      ) : null}

      <p>
        <Link href={`/m/${tenant.slug}`}>{t("verify.backHome", { municipality: tenant.name })}</Link>
      </p>
    </main>
  );
}
