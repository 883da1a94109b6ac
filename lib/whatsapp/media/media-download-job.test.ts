import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhookRoute } from "@/app/api/whatsapp/webhook/route";
import { jobs, mediaAttachments, notificationDeliveries, whatsappConversations } from "@/db/schema";
import { retryDelayMs, runDueJobs } from "@/lib/jobs/run-due-jobs";
import { getStorage } from "@/lib/storage";
import { twilioSid } from "@/test/fake-twilio";
import { inboundParams, postToRoute, PROXIED_ORIGIN, runJobs, signedWebhookBody, startWhatsAppTestEnvironment, type WhatsAppTestEnvironment } from "../test-support";
import { MEDIA_DOWNLOAD_ATTEMPTS, MEDIA_DOWNLOAD_JOB } from "./queue-media-download";

const PHOTOS = path.resolve(__dirname, "../../../test/fixtures/photos");
const JPEG = fs.readFileSync(path.join(PHOTOS, "own_pothole_soweto_gps_orientation6.jpg"));
const JPEG_SMALL = fs.readFileSync(path.join(PHOTOS, "exifr_IMG_20180725_163423-tiny.jpg"));
const PNG = fs.readFileSync(path.join(PHOTOS, "own_no_metadata.png"));

/** Builds the first page of an Ogg Opus voice note, which is enough for the type check by magic bytes. */
function oggOpus(): Buffer {
  const header = Buffer.alloc(27);
  header.write("OggS", 0);
  header[5] = 2;
  header[26] = 1;
  return Buffer.concat([header, Buffer.from([19]), Buffer.from("OpusHead"), Buffer.from([1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]), Buffer.alloc(512, 7)]);
}
const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");

let env: WhatsAppTestEnvironment;

beforeAll(async () => {
  env = await startWhatsAppTestEnvironment();
});

afterAll(async () => {
  await env?.close();
});

/** Sends a photo message that starts a report, and returns the queued download jobs' attachment ids. */
async function sendMedia(from: string, items: { body: Buffer; contentType: string; failFirst?: number[] }[]) {
  const messageSid = twilioSid("MM");
  const params = inboundParams({
    from,
    messageSid,
    body: "Evidence of the problem on our street",
    media: items.map((item) => ({ url: env.twilio.addMedia(messageSid, item), contentType: item.contentType.split(";")[0]! })),
  });
  const result = await postToRoute(webhookRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/webhook`, ...signedWebhookBody(params) });
  expect(result.status).toBe(200);
  lastReplies = result.replies;
  const queued = await env.db.select().from(jobs).where(eq(jobs.kind, MEDIA_DOWNLOAD_JOB));
  return queued.filter((job) => String(job.payload.mediaUrl).includes(messageSid));
}

let lastReplies: string[] = [];

async function attachmentsOf(jobRows: { payload: Record<string, unknown> }[]) {
  const ids = jobRows.map((job) => String(job.payload.attachmentId));
  return env.db.select().from(mediaAttachments).where(inArray(mediaAttachments.id, ids));
}

async function stored(attachment: { bucket: string; objectKey: string }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await getStorage().readObject(attachment.bucket, attachment.objectKey)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe("media download job", () => {
  it("stores every NumMedia item", async () => {
    const queued = await sendMedia("+27835552001", [
      { body: JPEG, contentType: "image/jpeg" },
      { body: JPEG_SMALL, contentType: "image/jpeg" },
      { body: PNG, contentType: "image/png" },
    ]);
    expect(queued).toHaveLength(3);
    // Three downloads, then the processing each queues.
    expect(await runJobs(env.db)).toMatchObject({ done: 6, failed: 0 });

    const attachments = await attachmentsOf(queued);
    expect(attachments.map((attachment) => attachment.state)).toEqual(["processed", "processed", "processed"]);
    for (const attachment of attachments) {
      expect(attachment.source).toBe("whatsapp");
      expect(attachment.displayKey).not.toBeNull();
      expect(attachment.thumbnailKey).not.toBeNull();
      const bytes = await stored(attachment);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(attachment.sha256);
      expect(bytes.length).toBe(attachment.size);
    }
    expect(attachments.map((attachment) => attachment.contentType).sort()).toEqual(["image/jpeg", "image/jpeg", "image/png"]);
  });

  it("stores audio and PDFs without image processing", async () => {
    const ogg = oggOpus();
    const queued = await sendMedia("+27835552002", [
      { body: ogg, contentType: "audio/ogg" },
      { body: PDF, contentType: "application/pdf" },
    ]);
    await runJobs(env.db);
    const attachments = await attachmentsOf(queued);
    const byType = new Map(attachments.map((attachment) => [attachment.contentType, attachment]));
    for (const [type, original] of [
      ["audio/ogg", ogg],
      ["application/pdf", PDF],
    ] as const) {
      const attachment = byType.get(type)!;
      // Processed means checked against its hash; only images get derivatives.
      expect(attachment).toMatchObject({ state: "processed", displayKey: null, thumbnailKey: null, derivativeContentType: null });
      expect((await stored(attachment)).equals(original)).toBe(true);
    }
    expect(byType.get("audio/ogg")!.originalFilename).toMatch(/\.ogg$/);
    expect(byType.get("application/pdf")!.originalFilename).toMatch(/\.pdf$/);
  });

  it("ends stored after failing twice", async () => {
    const [job] = await sendMedia("+27835552003", [{ body: JPEG, contentType: "image/jpeg", failFirst: [500, 404] }]);
    const start = Date.now() + 1000;

    expect(await runDueJobs({ db: env.db, now: new Date(start) })).toMatchObject({ retried: 1 });
    let [row] = await env.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(row!.runAt.getTime()).toBe(start + retryDelayMs(1));
    expect(row!.lastError).toContain("HTTP 500");

    const second = start + retryDelayMs(1);
    expect(await runDueJobs({ db: env.db, now: new Date(second) })).toMatchObject({ retried: 1 });
    [row] = await env.db.select().from(jobs).where(eq(jobs.id, job!.id));
    // Exponential backoff: the second wait is twice the first.
    expect(row!.runAt.getTime() - second).toBe(2 * retryDelayMs(1));

    expect(await runDueJobs({ db: env.db, now: new Date(second + retryDelayMs(2)) })).toMatchObject({ done: 1 });
    const [attachment] = await attachmentsOf([job!]);
    expect(attachment).toMatchObject({ state: "uploaded", sha256: createHash("sha256").update(JPEG).digest("hex") });
    expect(await runJobs(env.db, { now: new Date(second + retryDelayMs(2) + 1000) })).toMatchObject({ done: 1, failed: 0 });
    expect((await attachmentsOf([job!]))[0]!.state).toBe("processed");
  });

  it("records a permanent failure and tells the resident which file", async () => {
    const from = "+27835552004";
    const queued = await sendMedia(from, [
      { body: JPEG, contentType: "image/jpeg" },
      { body: Buffer.from("<html><body>Sign in to continue</body></html>"), contentType: "text/html; charset=utf-8" },
    ]);
    // A declared text/html item is rejected before any download.
    expect(queued).toHaveLength(1);
    expect(lastReplies[0]).toBe(
      "File 2 (text/html) was not added: send photos (JPEG, PNG or WebP), MP4 videos, voice notes, MP3 audio or PDF documents.",
    );
    // This one is declared as a photo but served as a web page.
    const htmlSid = twilioSid("MM");
    const params = inboundParams({
      from,
      messageSid: htmlSid,
      media: [{ url: env.twilio.addMedia(htmlSid, { body: Buffer.from("<html>Sign in</html>"), contentType: "text/html" }), contentType: "image/jpeg" }],
    });
    await postToRoute(webhookRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/webhook`, ...signedWebhookBody(params) });
    const htmlJobs = (await env.db.select().from(jobs).where(eq(jobs.kind, MEDIA_DOWNLOAD_JOB))).filter((job) => String(job.payload.mediaUrl).includes(htmlSid));
    expect(htmlJobs).toHaveLength(1);

    env.twilio.messages.length = 0;
    await runJobs(env.db);
    const [rejected] = await attachmentsOf(htmlJobs);
    expect(rejected).toMatchObject({ state: "rejected" });
    expect(rejected!.rejectionReason).toContain("text/html");

    const notices = env.twilio.messages.filter((message) => message.to === `whatsapp:${from}`);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ from: "whatsapp:+27105550100", contentSid: null });
    expect(notices[0]!.body).toMatch(/^File 2 of your report \(photo, sent at \d{2}:\d{2}\) could not be saved: it is not a photo, video, voice note or PDF document\. Please send it again\.$/);
    const [delivery] = await env.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.providerMessageSid, notices[0]!.sid));
    expect(delivery).toMatchObject({ purpose: "media_failed", kind: "free_text", transport: "twilio", status: "queued" });
  });

  it("gives up after the last attempt", async () => {
    const from = "+27835552005";
    const [job] = await sendMedia(from, [{ body: JPEG, contentType: "image/jpeg", failFirst: Array(MEDIA_DOWNLOAD_ATTEMPTS).fill(503) }]);
    env.twilio.messages.length = 0;
    let now = Date.now() + 1000;
    for (let attempt = 1; attempt <= MEDIA_DOWNLOAD_ATTEMPTS; attempt += 1) {
      await runDueJobs({ db: env.db, now: new Date(now) });
      now += retryDelayMs(attempt);
    }
    const [row] = await env.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(row).toMatchObject({ state: "done", attempts: MEDIA_DOWNLOAD_ATTEMPTS });
    const [attachment] = await attachmentsOf([job!]);
    expect(attachment!.state).toBe("rejected");

    await runJobs(env.db, { now: new Date(now) });
    const notices = env.twilio.messages.filter((message) => message.to === `whatsapp:${from}`);
    expect(notices.map((notice) => notice.body)).toEqual([expect.stringMatching(/could not be saved: it could not be downloaded from WhatsApp\./)]);
  });

  it("attaches a file that finishes after the report was sent", async () => {
    const from = "+27835552006";
    const [job] = await sendMedia(from, [{ body: PNG, contentType: "image/png" }]);
    const say = async (body: string) =>
      (await postToRoute(webhookRoute, { url: `${PROXIED_ORIGIN}/api/whatsapp/webhook`, ...signedWebhookBody(inboundParams({ from, body })) })).replies;
    await say("1");
    await say("12 Main Road, Hatfield");
    await say("done");
    expect((await say("1"))[0]).toMatch(/^Thank you/);

    const [pending] = await attachmentsOf([job!]);
    expect(pending).toMatchObject({ state: "pending" });
    expect(pending!.ticketId).not.toBeNull();
    await runJobs(env.db);
    const [done] = await attachmentsOf([job!]);
    expect(done).toMatchObject({ state: "processed", ticketId: pending!.ticketId });
    const [conversation] = await env.db.select().from(whatsappConversations).where(and(eq(whatsappConversations.phone, from)));
    expect(conversation!.state).toBe("menu");
  });
});
