import type { ActionResult } from "@/lib/actions";
import type { Locale } from "@/lib/i18n";
import { checkFile } from "../check-file";
import type { ConfirmedUpload } from "../confirm-upload";
import type { UploadIntent, UploadIntentInput } from "../create-upload-intent";
import type { UploadPurpose } from "../limits";
import { createUploadTranslator } from "../messages";
import type { StoragePostFailure, StoragePostResult } from "./storage-post";

// The browser's sequence for one file: check it locally, ask for an intent, post to storage,
// confirm. The server calls and the POST are passed in, so tests can drive the sequence with fakes.

export interface UploadDependencies {
  /** Lower-case hex SHA-256 of the file, or null when the browser cannot compute one. */
  digestFile: (file: File) => Promise<string | null>;
  requestIntent: (input: UploadIntentInput, locale: Locale) => Promise<ActionResult<UploadIntent>>;
  postFile: (input: { url: string; fields: Record<string, string>; file: File; onProgress: (fraction: number) => void; signal?: AbortSignal }) => Promise<StoragePostResult>;
  confirm: (fileId: string, locale: Locale) => Promise<ActionResult<ConfirmedUpload>>;
}

export type UploadPhase = "requesting" | "uploading" | "confirming";

export type UploadOutcome =
  | { ok: true; fileId: string }
  /** Refused before any request; `message` is in the resident's language and retrying will not help. */
  | { ok: false; kind: "check"; message: string }
  /** A server action failed; `message` is the server's text, `code` its AppError code. */
  | { ok: false; kind: "server"; code: string; message: string }
  /** The POST to storage failed. */
  | { ok: false; kind: "storage"; failure: StoragePostFailure };

export async function uploadFile(input: {
  file: File;
  purpose: UploadPurpose;
  locale: Locale;
  dependencies: UploadDependencies;
  onPhase: (phase: UploadPhase) => void;
  onProgress: (fraction: number) => void;
  signal?: AbortSignal;
}): Promise<UploadOutcome> {
  const { file, purpose, locale, dependencies } = input;
  const request: UploadIntentInput = { purpose, filename: file.name, declaredType: file.type, size: file.size };
  const check = checkFile(request, createUploadTranslator(locale));
  if (!check.ok) return { ok: false, kind: "check", message: check.message };

  // One fresh intent is tried when the policy expired while the resident waited on a slow
  // connection, or when the file changed after it was hashed, which needs a new digest.
  let fileId: string | null = null;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    input.onPhase("requesting");
    // Without a digest the upload still works: the server then hashes the stored object itself.
    const sha256 = await dependencies.digestFile(file).catch(() => null);
    const intent = await dependencies.requestIntent(sha256 ? { ...request, sha256 } : request, locale);
    if (!intent.ok) return { ok: false, kind: "server", code: intent.code, message: intent.message };

    input.onPhase("uploading");
    input.onProgress(0);
    const posted = await dependencies.postFile({
      url: intent.data.url,
      fields: intent.data.fields,
      file,
      onProgress: input.onProgress,
      signal: input.signal,
    });
    if (posted.ok) {
      fileId = intent.data.fileId;
      break;
    }
    const retryable = posted.failure === "policy_expired" || posted.failure === "bad_digest";
    if (!retryable || attempt === 2) return { ok: false, kind: "storage", failure: posted.failure };
  }

  input.onPhase("confirming");
  const confirmed = await dependencies.confirm(fileId!, locale);
  if (!confirmed.ok) return { ok: false, kind: "server", code: confirmed.code, message: confirmed.message };
  return { ok: true, fileId: confirmed.data.fileId };
}
