"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

// While evidence is being processed, the ticket page re-renders on the server every few seconds, so
// thumbnails replace their placeholders without a manual reload. The job usually finishes within
// one worker poll (3 s); after two minutes the page stops asking, and a reload shows the outcome.
const REFRESH_INTERVAL_MS = 3000;
const MAX_REFRESHES = 40;

/** Refreshes the current route's server components until it is unmounted or MAX_REFRESHES is reached. */
export function EvidenceRefresh() {
  const router = useRouter();

  useEffect(() => {
    let count = 0;
    const timer = setInterval(() => {
      count += 1;
      if (count > MAX_REFRESHES) {
        clearInterval(timer);
        return;
      }
      router.refresh();
    }, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [router]);

  return null;
}
