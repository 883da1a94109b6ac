import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Ticket not found" };

// Rendered inside the dashboard layout, so the staff member keeps the header and the way back.
export default function TicketNotFound() {
  return (
    <main id="main" className="wide">
      <h1>Ticket not found</h1>
      <p>
        There is no ticket at this address in your municipality. It may belong to another municipality, or the link may be
        incomplete.
      </p>
      <p>
        <Link href="/dashboard">Back to tickets</Link>
      </p>
    </main>
  );
}
