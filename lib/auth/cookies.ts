import { env } from "@/lib/env";

/**
 * Returns true when session cookies carry the Secure flag and next-auth's `__Secure-` name prefix.
 * The result depends on the configured auth URL, never from a request, so the route handler, server
 * components and the proxy agree on the cookie name. Set PUBLIC_BASE_URL to the https address in
 * production, or cookies go out without the Secure flag.
 */
export function usesSecureCookies(): boolean {
  return env().authUrl?.startsWith("https://") ?? false;
}
