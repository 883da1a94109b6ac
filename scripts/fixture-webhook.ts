import path from "node:path";

/**
 * Auth token and webhook origin that the recorded Twilio requests in test/fixtures/twilio were
 * signed with (see that folder's README). Both are public, so only the demo and the end-to-end
 * server use them, and only when no real token is configured.
 */
export const FIXTURE_WEBHOOK = {
  authToken: "test-auth-token-0000000000000000",
  baseUrl: "https://example.municipality.test",
  directory: path.resolve(__dirname, "..", "test", "fixtures", "twilio"),
} as const;
