import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTwilio, twilioSid, type FakeTwilio } from "@/test/fake-twilio";
import { downloadTwilioMedia, MediaDownloadError } from "./download-media";

const PHOTO = fs.readFileSync(path.resolve(__dirname, "../../../test/fixtures/photos/own_pothole_soweto_gps_orientation6.jpg"));
const ALLOWED = ["127.0.0.1", "127.0.0.2"];

let twilio: FakeTwilio;
let outsider: http.Server;
let outsiderUrl: string;
let outsiderRequests = 0;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  // "localhost" is loopback too, but not on the allow-list of these tests.
  outsider = http.createServer((_request, response) => {
    outsiderRequests += 1;
    response.writeHead(200, { "Content-Type": "image/jpeg" });
    response.end(PHOTO);
  });
  await new Promise<void>((resolve) => outsider.listen(0, "127.0.0.1", resolve));
  outsiderUrl = `http://localhost:${(outsider.address() as AddressInfo).port}/photo.jpg`;
});

afterAll(async () => {
  await twilio?.close();
  await new Promise((resolve) => outsider?.close(resolve));
});

beforeEach(() => {
  twilio.reset();
  outsiderRequests = 0;
});

function download(url: string, options: { authToken?: string; allowedHosts?: string[] } = {}) {
  return downloadTwilioMedia(url, {
    accountSid: twilio.accountSid,
    authToken: options.authToken ?? twilio.authToken,
    allowedHosts: options.allowedHosts ?? ALLOWED,
  });
}

async function failure(promise: Promise<unknown>): Promise<MediaDownloadError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaDownloadError) return error;
    throw error;
  }
  throw new Error("the download succeeded");
}

describe("downloadTwilioMedia", () => {
  it("follows the redirect without credentials", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: PHOTO, contentType: "image/jpeg" });
    const media = await download(url);
    expect(media.bytes.equals(PHOTO)).toBe(true);
    expect(media.type.contentType).toBe("image/jpeg");

    expect(twilio.requests.map((request) => request.server)).toEqual(["api", "cdn"]);
    const [first, second] = twilio.requests;
    expect(first!.host).toMatch(/^127\.0\.0\.1:/);
    expect(first!.authorization).toBe(`Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString("base64")}`);
    expect(second!.host).toMatch(/^127\.0\.0\.2:/);
    expect(second!.authorization).toBeNull();
  });

  it("fails for good on 401", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: PHOTO, contentType: "image/jpeg" });
    const error = await failure(download(url, { authToken: "wrong-token" }));
    expect(error).toMatchObject({ reason: "unavailable", permanent: true });
    expect(error.message).toContain("HTTP 401");
    expect(twilio.requests.filter((request) => request.server === "cdn")).toEqual([]);
  });

  it("retries a brief 404 and 5xx", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: PHOTO, contentType: "image/jpeg", failFirst: [404, 503] });
    expect(await failure(download(url))).toMatchObject({ reason: "unavailable", permanent: false });
    expect(await failure(download(url))).toMatchObject({ reason: "unavailable", permanent: false });
    expect((await download(url)).bytes.equals(PHOTO)).toBe(true);
    // Every attempt at the media URL carried the credentials.
    const apiRequests = twilio.requests.filter((request) => request.server === "api");
    expect(apiRequests).toHaveLength(3);
    expect(apiRequests.every((request) => request.authorization?.startsWith("Basic "))).toBe(true);
  });

  it("rejects a text/html body", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: Buffer.from("<html><body>Sign in</body></html>"), contentType: "text/html; charset=utf-8" });
    expect(await failure(download(url))).toMatchObject({ reason: "type_not_allowed", permanent: true });
  });

  it("rejects HTML that claims to be a JPEG", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: Buffer.from("<html><body>Sign in</body></html>"), contentType: "image/jpeg" });
    const error = await failure(download(url));
    expect(error).toMatchObject({ reason: "type_not_allowed", permanent: true });
    expect(error.message).toContain("text/plain");
  });

  it("rejects a file over 16 MB by its Content-Length", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: Buffer.alloc(16 * 1024 * 1024 + 1), contentType: "video/mp4" });
    expect(await failure(download(url))).toMatchObject({ reason: "too_large", permanent: true });
  });

  it("rejects a file over 16 MB sent without a length", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: Buffer.alloc(16 * 1024 * 1024 + 1), contentType: "video/mp4", chunked: true });
    expect(await failure(download(url))).toMatchObject({ reason: "too_large", permanent: true });
  });

  it("rejects an image over the 15 MB image limit", async () => {
    const body = Buffer.concat([PHOTO, Buffer.alloc(15 * 1024 * 1024)]);
    const url = twilio.addMedia(twilioSid("MM"), { body, contentType: "image/jpeg" });
    const error = await failure(download(url));
    expect(error).toMatchObject({ reason: "too_large", permanent: true });
    expect(error.message).toContain("image/jpeg");
  });

  it("never fetches a media URL outside the allow-list", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: PHOTO, contentType: "image/jpeg" });
    const error = await failure(download(url, { allowedHosts: ["api.twilio.com"] }));
    expect(error).toMatchObject({ reason: "host_not_allowed", permanent: true });
    expect(twilio.requests).toEqual([]);
  });

  it("never follows a redirect outside the allow-list", async () => {
    const url = twilio.addMedia(twilioSid("MM"), { body: PHOTO, contentType: "image/jpeg", redirectTo: outsiderUrl });
    expect(await failure(download(url))).toMatchObject({ reason: "host_not_allowed", permanent: true });
    expect(outsiderRequests).toBe(0);
  });

  it("rejects plain HTTP to a public host", async () => {
    const error = await failure(download("http://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", { allowedHosts: ["api.twilio.com"] }));
    expect(error).toMatchObject({ reason: "host_not_allowed", permanent: true });
    expect(error.message).toContain("must use https");
  });
});
