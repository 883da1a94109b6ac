import { sql } from "drizzle-orm";
import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Liveness and readiness: returns 200 once the database is reachable and migrated. */
export async function GET(): Promise<Response> {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return NextResponse.json({ status: "ok" });
  } catch (error) {
    log.error({ err: error }, "health check failed: database unavailable");
    return NextResponse.json({ status: "unavailable" }, { status: 503 });
  }
}
