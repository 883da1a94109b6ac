import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { FIXTURE_WEBHOOK } from "../scripts/fixture-webhook";

// Replays recorded Twilio requests against the production build, as Twilio would send them: no
// cookie, the raw form body and its signature. The server checks them against the fixtures' token
// and origin (e2e/serve.ts).

interface Fixture {
  name: string;
  body: string;
  headers: Record<string, string>;
}

function fixture(name: string): Fixture {
  return JSON.parse(fs.readFileSync(path.join(FIXTURE_WEBHOOK.directory, `${name}.json`), "utf8")) as Fixture;
}

function replay(request: APIRequestContext, name: string) {
  const { body, headers } = fixture(name);
  return request.post("/api/whatsapp/webhook", {
    headers: { "content-type": headers["Content-Type"]!, "x-twilio-signature": headers["X-Twilio-Signature"]! },
    data: body,
    maxRedirects: 0,
  });
}

test.describe("WhatsApp webhook", () => {
  test("answers a text message with TwiML", async ({ request }) => {
    const response = await replay(request, "01-text-plain");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(/^text\/xml/);
    expect(response.headers()["set-cookie"]).toBeUndefined();
    const twiml = await response.text();
    expect(twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>/);
    // A first message that describes a problem starts a report, so the reply requests its category.
    expect(twiml).toContain("Which kind of problem is it?");
    expect(twiml).toContain("Roads and potholes");
  });

  test("acknowledges a repeated delivery without a second reply", async ({ request }) => {
    const first = await replay(request, "06a-duplicate-first-delivery");
    expect(first.status()).toBe(200);
    expect(await first.text()).toContain("<Message>");

    const second = await replay(request, "06b-duplicate-second-delivery");
    expect(second.status()).toBe(200);
    expect(await second.text()).not.toContain("<Message>");
  });

  test("rejects a body changed after signing", async ({ request }) => {
    const response = await replay(request, "08-invalid-signature-tampered-body");
    expect(response.status()).toBe(403);
    expect(response.headers()["set-cookie"]).toBeUndefined();
    expect(await response.text()).not.toContain("<Message>");
  });
});
