import type { Metadata } from "next";
import Link from "next/link";
import { formatDateTime } from "@/components/format";
import { getStaffAccess, StaffOnlyNotice } from "@/components/staff-access";
import { CHECK_LABELS, CHECK_STATUS_LABELS, VERIFICATION_STATE_LABELS } from "@/components/verification-labels";
import { listVerificationQueue, type VerificationQueueItem } from "@/lib/verification/list-verification-queue";

export const metadata: Metadata = { title: "Residence verification" };

interface PageProps {
  searchParams: Promise<{ view?: string }>;
}

/** Lists the managers' review queue: open requests oldest first, or decided ones newest first. */
export default async function VerificationQueuePage({ searchParams }: PageProps) {
  const view = (await searchParams).view === "decided" ? "decided" : "open";
  const { actor, allowed } = await getStaffAccess(`/dashboard/verifications${view === "decided" ? "?view=decided" : ""}`);
  if (!allowed) return <StaffOnlyNotice actor={actor} title="Residence verification" />;
  if (actor.role !== "manager") {
    return (
      <main id="main" className="wide">
        <h1>Residence verification</h1>
        <p className="notice" role="alert">
          Only managers review proof of residence. Ask a manager of your municipality if a resident is waiting.
        </p>
      </main>
    );
  }

  const items = await listVerificationQueue(actor, { view });

  return (
    <main id="main" className="wide">
      <h1>Residence verification</h1>
      <p>
        {view === "open" ? (
          <>
            Waiting for review · <Link href="/dashboard/verifications?view=decided">Decided</Link>
          </>
        ) : (
          <>
            <Link href="/dashboard/verifications">Waiting for review</Link> · Decided
          </>
        )}
      </p>
      {items.length === 0 ? (
        <p>{view === "open" ? "No proof of residence is waiting for review." : "No proof of residence has been decided yet."}</p>
      ) : (
        <QueueTable items={items} view={view} />
      )}
    </main>
  );
}

function QueueTable({ items, view }: { items: VerificationQueueItem[]; view: "open" | "decided" }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>{view === "open" ? "Proof of residence waiting for review, oldest first" : "Decided proof of residence, newest first"}</caption>
        <thead>
          <tr>
            <th scope="col">Resident</th>
            <th scope="col">Submitted</th>
            <th scope="col">State</th>
            {(Object.keys(CHECK_LABELS) as (keyof typeof CHECK_LABELS)[]).map((check) => (
              <th scope="col" key={check}>
                {CHECK_LABELS[check]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <th scope="row">
                <Link href={`/dashboard/verifications/${item.id}`}>{item.residentName}</Link>
              </th>
              <td className="nowrap">{formatDateTime(item.createdAt)}</td>
              <td>
                {VERIFICATION_STATE_LABELS[item.state]}
                {item.readFailed ? <span className="tag">Not readable</span> : null}
              </td>
              {(Object.keys(CHECK_LABELS) as (keyof typeof CHECK_LABELS)[]).map((check) => (
                <td key={check}>{item.checks ? CHECK_STATUS_LABELS[item.checks[check]] : <span className="muted">Not read</span>}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
