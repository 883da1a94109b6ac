// Next.js calls register() once when a server process starts. The job worker runs inside the web
// server process, so a single `next start` is a complete deployment.
export async function register(): Promise<void> {
  // Next.js sets these two variables itself (NEXT_RUNTIME is inlined per bundle), so they are read
  // here rather than through lib/env.ts, which the edge bundle must not import.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` may load this file while collecting page data; no worker belongs in the build.
  if (process.env.NEXT_PHASE === "phase-production-build") return;

  // Before anything else, so that a production server without a valid encryption key never serves
  // a request: the process ends with a message that names the variable but never the key.
  const { startAppKeyringOrExit } = await import("./lib/crypto/app-keyring");
  const warnings = startAppKeyringOrExit();
  if (warnings.length > 0) {
    const { log } = await import("./lib/log");
    for (const warning of warnings) log.warn({ component: "encryption" }, warning);
  }

  await import("./lib/jobs/register-handlers");
  const { startJobWorker } = await import("./lib/jobs/worker");
  startJobWorker();
}
