// Browser side of the presigned POST: builds the form and sends it with upload progress. Works the
// same against S3 and the local driver, whose error bodies differ (XML and JSON) and are mapped
// here to a small set of failures the uploader words for residents. Raw bodies are never shown.

export type StoragePostFailure =
  /** The policy's time ran out before the file arrived; a fresh intent may be requested. */
  | "policy_expired"
  | "too_large"
  | "too_small"
  /** The body's SHA-256 differs from the one the policy pins: the file changed after it was hashed. */
  | "bad_digest"
  /** Storage refused the policy or signature for another reason. */
  | "denied"
  /** No response: connection lost, CORS refused, or the request was cut off early. */
  | "network"
  | "unavailable"
  | "aborted";

export type StoragePostResult = { ok: true } | { ok: false; failure: StoragePostFailure; status: number };

/**
 * Builds the form to post: the intent's fields in the given order, then the file as "file". S3
 * ignores any field after the file, so the file must come last.
 */
export function buildUploadForm(fields: Record<string, string>, file: Blob, filename?: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (filename === undefined) form.append("file", file);
  else form.append("file", file, filename);
  return form;
}

/** Maps a failed POST's status and body (S3 XML or the local driver's JSON) to a failure kind. */
export function classifyStoragePostFailure(status: number, body: string): StoragePostFailure {
  if (status === 0) return "network";
  const code = errorCode(body);
  if (code === "policy_expired" || /policy expired/i.test(body) || (code === "AccessDenied" && /expired/i.test(body))) {
    return "policy_expired";
  }
  if (code === "EntityTooLarge" || code === "entity_too_large" || status === 413) return "too_large";
  if (code === "EntityTooSmall" || code === "entity_too_small") return "too_small";
  if (code === "BadDigest" || code === "XAmzContentChecksumMismatch" || code === "bad_digest") return "bad_digest";
  if (status >= 500) return "unavailable";
  return "denied";
}

function errorCode(body: string): string | null {
  const xml = /<Code>([^<]+)<\/Code>/.exec(body);
  if (xml) return xml[1]!.trim();
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === "string" ? parsed.error.code : null;
  } catch {
    return null;
  }
}

/**
 * Posts the file with XMLHttpRequest, because fetch reports no upload progress. `onProgress`
 * gets a fraction from 0 to 1. Resolves with the outcome; it never rejects.
 */
export function postToStorage(input: {
  url: string;
  fields: Record<string, string>;
  file: File;
  onProgress: (fraction: number) => void;
  signal?: AbortSignal;
}): Promise<StoragePostResult> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", input.url);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) input.onProgress(Math.min(1, event.loaded / event.total));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        input.onProgress(1);
        resolve({ ok: true });
      } else {
        resolve({ ok: false, failure: classifyStoragePostFailure(xhr.status, xhr.responseText), status: xhr.status });
      }
    };
    xhr.onerror = () => resolve({ ok: false, failure: "network", status: 0 });
    xhr.onabort = () => resolve({ ok: false, failure: "aborted", status: 0 });
    input.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(buildUploadForm(input.fields, input.file, input.file.name));
  });
}
