// A fake of the two Twilio services the WhatsApp channel calls, on loopback addresses only:
//   - the REST API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json) on 127.0.0.1, responding
//     in Twilio's JSON wire format, with HTTP basic auth, and
//   - message media (GET .../Messages/{MessageSid}/Media/{MediaSid}) on the same host, which
//     redirects (307) to a second server on 127.0.0.2 that plays the role of Twilio's media CDN.
// Every request is recorded with its headers, so tests can check where credentials went.
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  /** "api" for 127.0.0.1, "cdn" for 127.0.0.2. */
  server: "api" | "cdn";
  method: string;
  /** Path and query as received. */
  url: string;
  host: string;
  authorization: string | null;
  /** Decoded form parameters of a POST. */
  form: Record<string, string>;
}

export interface CreatedMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string | null;
  contentSid: string | null;
  contentVariables: string | null;
  statusCallback: string | null;
}

export interface MediaOptions {
  body: Buffer;
  contentType: string;
  /** Statuses the media URL responds with, one per request, before it starts working (404 right after the webhook, 500, ...). */
  failFirst?: number[];
  /** Where the media URL redirects; the fake CDN on 127.0.0.2 by default. */
  redirectTo?: string;
  /** Serve the bytes from the media URL itself instead of redirecting. */
  serveDirectly?: boolean;
  /** Send the body in chunks without a Content-Length header. */
  chunked?: boolean;
}

export interface FakeTwilio {
  accountSid: string;
  authToken: string;
  /** Origin of the fake REST API and media URLs, http://127.0.0.1:{port}. */
  apiBaseUrl: string;
  /** Origin of the fake media CDN, http://127.0.0.2:{port}. */
  cdnBaseUrl: string;
  requests: RecordedRequest[];
  messages: CreatedMessage[];
  /** Registers a media item and returns its MediaUrl, shaped like Twilio's. */
  addMedia(messageSid: string, options: MediaOptions): string;
  /** Makes the next Messages API calls fail, one per status, with Twilio's error body. */
  failNextMessages(failures: { status: number; code: number; message: string }[]): void;
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION = "2010-04-01";

export function twilioSid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

/** Starts both servers. `cdnHost` defaults to 127.0.0.2, a second loopback address. */
export async function startFakeTwilio(options: { accountSid?: string; authToken?: string; cdnHost?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? twilioSid("AC");
  const authToken = options.authToken ?? randomBytes(16).toString("hex");
  const expectedAuthorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const requests: RecordedRequest[] = [];
  const messages: CreatedMessage[] = [];
  const media = new Map<string, MediaOptions & { attempts: number }>();
  let messageFailures: { status: number; code: number; message: string }[] = [];

  const api = http.createServer(async (request, response) => {
    const recorded = await record("api", request);
    const path = new URL(request.url ?? "/", "http://fake").pathname;

    if (recorded.authorization !== expectedAuthorization) {
      return sendJson(response, 401, {
        code: 20003,
        message: "Authentication Error - invalid username",
        more_info: "https://www.twilio.com/docs/errors/20003",
        status: 401,
      }, { "WWW-Authenticate": 'Basic realm="Twilio API"' });
    }

    const messagesPath = new RegExp(`^/${API_VERSION}/Accounts/(AC[0-9a-f]{32})/Messages\\.json$`);
    const mediaPath = new RegExp(`^/${API_VERSION}/Accounts/AC[0-9a-f]{32}/Messages/(?:SM|MM)[0-9a-f]{32}/Media/(ME[0-9a-f]{32})$`);
    const messagesMatch = messagesPath.exec(path);
    if (request.method === "POST" && messagesMatch) return createMessage(messagesMatch[1]!, recorded, response);

    const mediaMatch = mediaPath.exec(path);
    if (request.method === "GET" && mediaMatch && media.has(mediaMatch[1]!)) {
      const item = media.get(mediaMatch[1]!)!;
      const failure = item.failFirst?.[item.attempts];
      item.attempts += 1;
      if (failure !== undefined) return sendJson(response, failure, { code: 20404, message: "The requested resource was not found", status: failure });
      if (item.serveDirectly) return sendBytes(response, item);
      const location = item.redirectTo ?? `${cdnBaseUrl}/media/${mediaMatch[1]}?Expires=${Math.floor(Date.now() / 1000) + 14_400}&Signature=fake`;
      response.writeHead(307, { Location: location, "Content-Type": "text/html" });
      return response.end(`<a href="${location}">Temporary Redirect</a>`);
    }
    return sendJson(response, 404, { code: 20404, message: "The requested resource was not found", more_info: "https://www.twilio.com/docs/errors/20404", status: 404 });
  });

  const cdn = http.createServer(async (request, response) => {
    await record("cdn", request);
    const mediaSid = /^\/media\/(ME[0-9a-f]{32})$/.exec(new URL(request.url ?? "/", "http://fake").pathname)?.[1];
    const item = mediaSid ? media.get(mediaSid) : undefined;
    if (!item) {
      response.writeHead(404, { "Content-Type": "application/xml" });
      return response.end("<Error><Code>NoSuchKey</Code></Error>");
    }
    return sendBytes(response, item);
  });

  await Promise.all([listen(api, "127.0.0.1"), listen(cdn, options.cdnHost ?? "127.0.0.2")]);
  const apiBaseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const cdnBaseUrl = `http://${options.cdnHost ?? "127.0.0.2"}:${(cdn.address() as AddressInfo).port}`;

  async function record(server: "api" | "cdn", request: http.IncomingMessage): Promise<RecordedRequest> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const form = request.method === "POST" ? Object.fromEntries(new URLSearchParams(text)) : {};
    const recorded: RecordedRequest = {
      server,
      method: request.method ?? "GET",
      url: request.url ?? "/",
      host: request.headers.host ?? "",
      authorization: request.headers.authorization ?? null,
      form,
    };
    requests.push(recorded);
    return recorded;
  }

  function createMessage(pathAccountSid: string, recorded: RecordedRequest, response: http.ServerResponse) {
    const failure = messageFailures.shift();
    if (failure) {
      return sendJson(response, failure.status, {
        code: failure.code,
        message: failure.message,
        more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
        status: failure.status,
      });
    }
    const form = recorded.form;
    if (!form.To || (!form.From && !form.MessagingServiceSid) || (!form.Body && !form.ContentSid)) {
      return sendJson(response, 400, { code: 21604, message: "A 'To', a 'From' or Messaging Service, and a 'Body' or 'ContentSid' are required.", status: 400 });
    }
    const sid = twilioSid("SM");
    const created: CreatedMessage = {
      sid,
      accountSid: pathAccountSid,
      to: form.To,
      from: form.From ?? null,
      messagingServiceSid: form.MessagingServiceSid ?? null,
      body: form.Body ?? null,
      contentSid: form.ContentSid ?? null,
      contentVariables: form.ContentVariables ?? null,
      statusCallback: form.StatusCallback ?? null,
    };
    messages.push(created);
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return sendJson(response, 201, {
      account_sid: pathAccountSid,
      api_version: API_VERSION,
      body: form.Body ?? "",
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_media: "0",
      num_segments: "1",
      price: null,
      price_unit: null,
      sid,
      status: form.MessagingServiceSid ? "accepted" : "queued",
      subresource_uris: { media: `/${API_VERSION}/Accounts/${pathAccountSid}/Messages/${sid}/Media.json` },
      to: form.To,
      uri: `/${API_VERSION}/Accounts/${pathAccountSid}/Messages/${sid}.json`,
    });
  }

  return {
    accountSid,
    authToken,
    apiBaseUrl,
    cdnBaseUrl,
    requests,
    messages,
    addMedia(messageSid, mediaOptions) {
      const mediaSid = twilioSid("ME");
      media.set(mediaSid, { ...mediaOptions, attempts: 0 });
      return `${apiBaseUrl}/${API_VERSION}/Accounts/${accountSid}/Messages/${messageSid}/Media/${mediaSid}`;
    },
    failNextMessages(failures) {
      messageFailures = [...failures];
    },
    reset() {
      requests.length = 0;
      messages.length = 0;
      media.clear();
      messageFailures = [];
    },
    close: async () => {
      await Promise.all([close(api), close(cdn)]);
    },
  };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

function sendBytes(response: http.ServerResponse, item: MediaOptions): void {
  if (!item.chunked) {
    response.writeHead(200, { "Content-Type": item.contentType, "Content-Length": String(item.body.length) });
    response.end(item.body);
    return;
  }
  response.writeHead(200, { "Content-Type": item.contentType });
  const chunk = 64 * 1024;
  for (let offset = 0; offset < item.body.length; offset += chunk) response.write(item.body.subarray(offset, offset + chunk));
  response.end();
}

function listen(server: http.Server, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
