import postgres from "postgres";
import { assertLocalDatabase, TEST_ADMIN_URL } from "./db";

// Fails the run at once, with the fix, when PostgreSQL is not reachable, instead of letting every
// integration test time out on its own.
export default async function setup(): Promise<void> {
  assertLocalDatabase(TEST_ADMIN_URL);
  const client = postgres(TEST_ADMIN_URL, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await client`select 1`;
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_ADMIN_URL} (${(error as Error).message}). Start it with ` +
        "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set TEST_DATABASE_ADMIN_URL.",
    );
  } finally {
    await client.end();
  }
}
