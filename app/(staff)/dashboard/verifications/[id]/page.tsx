import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatBytes, formatDateTime } from "@/components/format";
import { getStaffAccess, StaffOnlyNotice } from "@/components/staff-access";
import { VerificationDecisionForm, type ReviewField } from "@/components/verification-decision-form";
import { CHECK_LABELS, CHECK_STATUS_LABELS, VERIFICATION_STATE_LABELS } from "@/components/verification-labels";
import { AppError } from "@/lib/errors";
import { getVerificationForReview, type VerificationReview } from "@/lib/verification/get-verification-for-review";
import { extractedValues, UNDECIDED_STATES } from "@/lib/verification/verification-requests";

export const metadata: Metadata = { title: "Review proof of residence" };

interface PageProps {
  params: Promise<{ id: string }>;
}

/** Shows a manager one proof of residence: the document beside the extracted fields, the checks and the decision form. */
export default async function VerificationReviewPage({ params }: PageProps) {
  const { id } = await params;
  const { actor, allowed } = await getStaffAccess(`/dashboard/verifications/${id}`);
  if (!allowed) return <StaffOnlyNotice actor={actor} title="Review proof of residence" />;
  if (actor.role !== "manager") {
    return (
      <main id="main" className="wide">
        <h1>Review proof of residence</h1>
        <p className="notice" role="alert">
          Only managers review proof of residence.
        </p>
      </main>
    );
  }

  let review: VerificationReview;
  try {
    review = await getVerificationForReview(actor, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const undecided = (UNDECIDED_STATES as readonly string[]).includes(review.state);
  const documentUrl = `/api/attachments/${review.document.fileId}`;
  const isImage = review.document.contentType.startsWith("image/");

  return (
    <main id="main" className="wide">
      <p>
        <Link href="/dashboard/verifications">Back to the verification queue</Link>
      </p>
      <h1>Proof of residence: {review.resident.name}</h1>
      <p>
        {VERIFICATION_STATE_LABELS[review.state]} · submitted {formatDateTime(review.createdAt)}
      </p>

      <div className="review-columns">
        <section aria-labelledby="document-heading" className="panel">
          <h2 id="document-heading">Document</h2>
          {isImage ? (
            <img src={`${documentUrl}?variant=display`} alt={`Proof of residence uploaded by ${review.resident.name}`} style={{ maxWidth: "100%" }} />
          ) : null}
          <p>
            <a href={`${documentUrl}?download=1`}>
              Download the original ({review.document.originalFilename}, {formatBytes(review.document.size)})
            </a>{" "}
            <span className="muted">Opening it is recorded in the audit log.</span>
          </p>
          {review.readFailure ? (
            <div className="notice" role="status">
              <p>The reader could not read this document, so enter the fields from the document yourself.</p>
              <p className="muted">{review.readFailure}</p>
            </div>
          ) : null}
          {review.state === "queued" || review.state === "reading" ? (
            <p className="notice" role="status">
              The document is still being read. Reload the page in a minute to see the extracted fields.
            </p>
          ) : null}
        </section>

        <section aria-labelledby="checks-heading" className="panel">
          <h2 id="checks-heading">Checks</h2>
          {review.checks ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Result</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {(Object.keys(CHECK_LABELS) as (keyof typeof CHECK_LABELS)[]).map((check) => (
                  <tr key={check}>
                    <th scope="row">{CHECK_LABELS[check]}</th>
                    <td>
                      <span className={`check check-${review.checks![check].status}`}>{CHECK_STATUS_LABELS[review.checks![check].status]}</span>
                    </td>
                    <td>{review.checks![check].reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>No checks were run, because the document was not read.</p>
          )}
        </section>
      </div>

      <section aria-labelledby="decision-heading" className="panel">
        <h2 id="decision-heading">Decision</h2>
        {undecided ? (
          <VerificationDecisionForm requestId={review.id} fields={reviewFields(review)} />
        ) : (
          <Decided review={review} />
        )}
      </section>

      {review.ocrText ? (
        <details>
          <summary>Text read from the document</summary>
          <pre style={{ whiteSpace: "pre-wrap" }}>{review.ocrText}</pre>
        </details>
      ) : null}
    </main>
  );
}

function Decided({ review }: { review: VerificationReview }) {
  const reviewed = review.fields?.reviewed;
  return (
    <dl>
      <dt>Decision</dt>
      <dd>{VERIFICATION_STATE_LABELS[review.state]}</dd>
      <dt>By</dt>
      <dd>
        {review.reviewerName ?? "Unknown"}
        {review.decidedAt ? `, ${formatDateTime(review.decidedAt)}` : ""}
      </dd>
      {review.decisionReason ? (
        <>
          <dt>Reason</dt>
          <dd>{review.decisionReason}</dd>
        </>
      ) : null}
      {reviewed ? (
        <>
          <dt>Holder name</dt>
          <dd>{reviewed.holderName || "None"}</dd>
          <dt>Account number</dt>
          <dd>{reviewed.accountNumber || "None"}</dd>
        </>
      ) : null}
    </dl>
  );
}

function reviewFields(review: VerificationReview): ReviewField[] {
  const fields = review.fields;
  const values = extractedValues(fields);
  const confidence = (reading: { value: unknown; confidence: number } | undefined) =>
    reading && reading.value !== null ? reading.confidence : null;
  return [
    { name: "holderName", label: "Account holder", value: values.holderName, confidence: confidence(fields?.holderName) },
    { name: "accountNumber", label: "Account number", value: values.accountNumber, confidence: confidence(fields?.accountNumber) },
    { name: "statementDate", label: "Statement date", value: values.statementDate, confidence: confidence(fields?.statementDate), hint: "YYYY-MM-DD" },
    { name: "streetNumber", label: "Street number", value: values.streetNumber, confidence: confidence(fields?.address.streetNumber) },
    { name: "street", label: "Street", value: values.street, confidence: confidence(fields?.address.street) },
    { name: "suburb", label: "Suburb", value: values.suburb, confidence: confidence(fields?.address.suburb) },
    { name: "city", label: "City", value: values.city, confidence: confidence(fields?.address.city) },
    { name: "postalCode", label: "Postal code", value: values.postalCode, confidence: confidence(fields?.address.postalCode), hint: "Four digits" },
  ];
}
