import { EvidenceRefresh } from "@/components/evidence-refresh";
import { formatBytes } from "@/components/format";
import { contentTypeLabel } from "@/components/staff-labels";
import type { Role } from "@/lib/auth/types";
import { derivativeKindFor } from "@/lib/media/derivatives";
import { mayDownloadOriginal } from "@/lib/media/original-access";
import type { AttachmentSummary } from "@/lib/tickets/get-ticket";

// The evidence section of the staff ticket page. Images are only ever shown through their
// derivatives (upright, metadata stripped). Originals are offered as downloads to the roles that
// may have them, and the attachment route enforces the same rule.

export interface EvidenceListProps {
  attachments: AttachmentSummary[];
  role: Role;
  ticketIsSensitive: boolean;
}

type Phase = "pending" | "processing" | "processing_failed" | "processed" | "rejected";

const PHASE_LABELS: Record<Phase, string> = {
  pending: "Upload not finished",
  processing: "Uploaded, processing",
  processing_failed: "Uploaded, processing failed",
  processed: "Processed",
  rejected: "Rejected",
};

/** Processing phase shown to staff. An `uploaded` row with a reason is one whose job gave up. */
function phaseOf(attachment: AttachmentSummary): Phase {
  if (attachment.state === "uploaded") return attachment.rejectionReason ? "processing_failed" : "processing";
  return attachment.state;
}

export function EvidenceList({ attachments, role, ticketIsSensitive }: EvidenceListProps) {
  const processing = attachments.some((attachment) => phaseOf(attachment) === "processing");
  return (
    <section aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">Evidence ({fileCount(attachments.length)})</h2>
      {processing ? <EvidenceRefresh /> : null}
      {attachments.length === 0 ? (
        <p className="muted">The resident attached no files.</p>
      ) : (
        <ul className="evidence-list">
          {attachments.map((attachment) => (
            <EvidenceItem key={attachment.fileId} attachment={attachment} role={role} ticketIsSensitive={ticketIsSensitive} />
          ))}
        </ul>
      )}
    </section>
  );
}

function EvidenceItem({ attachment, role, ticketIsSensitive }: { attachment: AttachmentSummary } & Omit<EvidenceListProps, "attachments">) {
  const phase = phaseOf(attachment);
  const isImage = derivativeKindFor(attachment.contentType) === "image";
  const stored = attachment.state === "uploaded" || attachment.state === "processed";
  const mayDownload = stored && mayDownloadOriginal(role, { sensitive: ticketIsSensitive, ownedByActor: false });
  const href = `/api/attachments/${attachment.fileId}`;
  const name = <span className="visually-hidden"> {attachment.originalFilename}</span>;

  return (
    <li className="evidence-item" data-state={attachment.state}>
      <EvidencePreview attachment={attachment} phase={phase} isImage={isImage} />
      <div>
        <p className="evidence-name">{attachment.originalFilename}</p>
        <p className="muted">
          {contentTypeLabel(attachment.contentType)}, {formatBytes(attachment.size)}
        </p>
        <p>
          <span className={`state state-${attachment.state}`}>{PHASE_LABELS[phase]}</span>
          {attachment.rejectionReason && (phase === "rejected" || phase === "processing_failed") ? (
            <span className="error">: {attachment.rejectionReason}</span>
          ) : null}
        </p>
        <p className="evidence-links">
          {isImage && phase === "processed" ? (
            <a href={`${href}?variant=display`} target="_blank" rel="noreferrer">
              Open{name}
            </a>
          ) : null}
          {mayDownload ? (
            <a href={`${href}?download=1`}>
              Download original{name}
            </a>
          ) : null}
        </p>
        {stored && !mayDownload && !isImage ? (
          <p className="muted">{ticketIsSensitive ? "Only the SAPS liaison officer can open this file." : "Only a manager can open this file."}</p>
        ) : null}
      </div>
    </li>
  );
}

const TYPE_ICON_LABELS: Record<string, string> = { image: "Image", video: "Video", audio: "Audio", application: "Document" };

function EvidencePreview({ attachment, phase, isImage }: { attachment: AttachmentSummary; phase: Phase; isImage: boolean }) {
  if (isImage && phase === "processed") {
    // A plain <img>, because next/image would fetch the route from the server without the staff
    // member's session, and the route redirects to a short-lived URL that is not worth caching.
    // The thumbnail keeps the photo's proportions (longest side 320 px); CSS crops it to a square.
    return (
      <img
        src={`/api/attachments/${attachment.fileId}?variant=thumbnail`}
        alt={`Photo evidence: ${attachment.originalFilename}`}
        className="thumbnail"
        data-testid="evidence-thumbnail"
      />
    );
  }
  if (isImage && phase === "processing") {
    return (
      <div className="thumbnail thumbnail-placeholder" role="img" aria-label={`Photo ${attachment.originalFilename} is being processed`}>
        Processing…
      </div>
    );
  }
  const family = attachment.contentType.split("/")[0] ?? "";
  const label = isImage ? "No preview" : (TYPE_ICON_LABELS[family] ?? "File");
  return (
    <div className="thumbnail thumbnail-placeholder" style={{ flexDirection: "column", gap: "0.25rem" }} aria-hidden="true">
      <TypeIcon family={isImage ? "image" : family} />
      {label}
    </div>
  );
}

/** Draws an outline glyph for the file's type family. The label beside it carries the meaning. */
function TypeIcon({ family }: { family: string }) {
  const common = { width: 32, height: 32, viewBox: "0 0 24 24", fill: "none", stroke: "currentColor", strokeWidth: 1.5, "aria-hidden": true } as const;
  if (family === "video") {
    return (
      <svg {...common}>
        <rect x="3" y="6" width="13" height="12" rx="2" />
        <path d="M16 10l5-3v10l-5-3z" />
      </svg>
    );
  }
  if (family === "audio") {
    return (
      <svg {...common}>
        <path d="M9 18V6l10-2v12" />
        <circle cx="6.5" cy="18" r="2.5" />
        <circle cx="16.5" cy="16" r="2.5" />
      </svg>
    );
  }
  if (family === "image") {
    return (
      <svg {...common}>
        <rect x="3" y="5" width="18" height="14" rx="2" />
        <circle cx="9" cy="10" r="1.5" />
        <path d="M21 16l-5-5-8 8" />
      </svg>
    );
  }
  return (
    <svg {...common}>
      <path d="M6 3h8l4 4v14H6z" />
      <path d="M14 3v4h4" />
    </svg>
  );
}

function fileCount(count: number): string {
  return count === 1 ? "1 file" : `${count} files`;
}
