"use client";

import { useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties } from "react";
import { useDropzone } from "react-dropzone";
import { confirmUploadAction, requestUploadIntent } from "@/app/actions/uploads";
import type { Locale } from "@/lib/i18n";
import { computeFileSha256 } from "@/lib/uploads/client/file-digest";
import { postToStorage, type StoragePostFailure } from "@/lib/uploads/client/storage-post";
import { uploadFile, type UploadDependencies, type UploadOutcome } from "@/lib/uploads/client/upload-file";
import { acceptAttribute, type UploadPurpose } from "@/lib/uploads/limits";
import { uploaderTranslator, type UploaderMessageKey } from "./evidence-uploader/messages";

export interface EvidenceUploaderProps {
  purpose: UploadPurpose;
  maxFiles: number;
  locale: Locale;
  /** Called with the ids of the confirmed files, in the order shown, and whether any upload is still running. */
  onChange: (state: { fileIds: string[]; busy: boolean }) => void;
  /**
   * Called with every file in the list, in the order shown, whenever one is added, removed or
   * confirmed (`fileId` is null until then). The report form reads a dropped photo's GPS from it.
   */
  onFilesChange?: (files: UploaderFile[]) => void;
}

export interface UploaderFile {
  /** Stable for as long as the file stays in the list, across retries. */
  key: string;
  file: File;
  /** Id of the confirmed upload, or null while it is running or after it failed. */
  fileId: string | null;
}

type ItemStatus = "requesting" | "uploading" | "confirming" | "done" | "failed";

interface Item {
  key: string;
  file: File;
  status: ItemStatus;
  /** Whole percent, 0 to 100. */
  percent: number;
  fileId: string | null;
  error: string | null;
  /** False when retrying cannot help (the browser's own type or size check refused the file). */
  retryable: boolean;
}

const dependencies: UploadDependencies = {
  digestFile: computeFileSha256,
  requestIntent: (input, locale) => requestUploadIntent(input, locale),
  postFile: postToStorage,
  confirm: (fileId, locale) => confirmUploadAction(fileId, locale),
};

const STORAGE_MESSAGES: Record<StoragePostFailure, UploaderMessageKey> = {
  policy_expired: "failedExpired",
  too_large: "failedTooLarge",
  too_small: "failedTooSmall",
  bad_digest: "failedDenied",
  denied: "failedDenied",
  network: "failedNetwork",
  unavailable: "failedUnavailable",
  aborted: "failedNetwork",
};

// Server codes whose message is written for residents (in their language); the rest get our own text.
const RESIDENT_FACING_CODES = new Set(["invalid_input", "not_found", "rate_limited"]);

const styles = {
  dropzone: { border: "2px dashed var(--border)", borderRadius: "var(--radius)", padding: "1rem", textAlign: "center" },
  dropzoneActive: { borderColor: "var(--accent)", background: "var(--panel)" },
  list: { listStyle: "none", padding: 0, margin: "1rem 0 0", display: "grid", gap: "0.75rem" },
  item: { border: "1px solid var(--border)", borderRadius: "var(--radius)", padding: "0.75rem" },
  name: { fontWeight: 600, overflowWrap: "anywhere", margin: 0 },
  track: { height: "0.5rem", background: "var(--panel)", border: "1px solid var(--border)", borderRadius: "999px", overflow: "hidden", margin: "0.5rem 0" },
  actions: { display: "flex", gap: "0.5rem", marginTop: "0.5rem" },
} satisfies Record<string, CSSProperties>;

/**
 * Picks or receives dropped files and uploads each one straight to storage with a progress bar,
 * then has the server confirm it. Files can be removed, and failed uploads retried.
 */
export function EvidenceUploader({ purpose, maxFiles, locale, onChange, onFilesChange }: EvidenceUploaderProps) {
  const t = useMemo(() => uploaderTranslator(locale), [locale]);
  const inputId = useId();
  const hintId = useId();
  const [items, setItems] = useState<Item[]>([]);
  const [limitMessage, setLimitMessage] = useState<string | null>(null);
  const controllers = useRef(new Map<string, AbortController>());
  const lastReported = useRef<string>("");
  const lastReportedFiles = useRef<string>("");

  const update = useCallback((key: string, change: Partial<Item>) => {
    setItems((current) => current.map((item) => (item.key === key ? { ...item, ...change } : item)));
  }, []);

  const describeFailure = useCallback(
    (outcome: Exclude<UploadOutcome, { ok: true }>, filename: string): string => {
      if (outcome.kind === "check") return outcome.message;
      if (outcome.kind === "storage") return t(STORAGE_MESSAGES[outcome.failure], { filename });
      if (RESIDENT_FACING_CODES.has(outcome.code)) return outcome.message;
      if (outcome.code === "unauthenticated") return t("failedSession");
      if (outcome.code === "forbidden") return t("failedForbidden");
      if (outcome.code === "unavailable") return t("failedUnavailable");
      return t("failedGeneric", { filename });
    },
    [t],
  );

  const start = useCallback(
    async (key: string, file: File) => {
      const controller = new AbortController();
      controllers.current.set(key, controller);
      update(key, { status: "requesting", percent: 0, error: null, fileId: null });

      const outcome = await uploadFile({
        file,
        purpose,
        locale,
        dependencies,
        signal: controller.signal,
        onPhase: (phase) => update(key, { status: phase }),
        onProgress: (fraction) => update(key, { percent: Math.round(fraction * 100) }),
      });
      controllers.current.delete(key);
      if (controller.signal.aborted) return;

      if (outcome.ok) update(key, { status: "done", percent: 100, fileId: outcome.fileId });
      else update(key, { status: "failed", error: describeFailure(outcome, file.name), retryable: outcome.kind !== "check" });
    },
    [purpose, locale, update, describeFailure],
  );

  const onDrop = useCallback(
    (accepted: File[]) => {
      const room = Math.max(0, maxFiles - items.length);
      const taken = accepted.slice(0, room);
      setLimitMessage(accepted.length > room ? t("tooMany", { max: maxFiles }) : null);
      const added = taken.map((file) => ({
        key: crypto.randomUUID(),
        file,
        status: "requesting" as const,
        percent: 0,
        fileId: null,
        error: null,
        retryable: true,
      }));
      setItems((current) => [...current, ...added]);
      for (const item of added) void start(item.key, item.file);
    },
    [items.length, maxFiles, start, t],
  );

  const remove = useCallback((key: string) => {
    controllers.current.get(key)?.abort();
    controllers.current.delete(key);
    setItems((current) => current.filter((item) => item.key !== key));
    setLimitMessage(null);
  }, []);

  useEffect(() => {
    const fileIds = items.flatMap((item) => (item.status === "done" && item.fileId ? [item.fileId] : []));
    const busy = items.some((item) => item.status === "requesting" || item.status === "uploading" || item.status === "confirming");
    const report = JSON.stringify({ fileIds, busy });
    if (report === lastReported.current) return;
    lastReported.current = report;
    onChange({ fileIds, busy });
  }, [items, onChange]);

  useEffect(() => {
    if (!onFilesChange) return;
    const files = items.map((item) => ({ key: item.key, file: item.file, fileId: item.status === "done" ? item.fileId : null }));
    // Progress updates change `items` many times a second; report only a change of files or ids.
    const signature = files.map((file) => `${file.key}:${file.fileId ?? ""}`).join(",");
    if (signature === lastReportedFiles.current) return;
    lastReportedFiles.current = signature;
    onFilesChange(files);
  }, [items, onFilesChange]);

  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const controller of running.values()) controller.abort();
    };
  }, []);

  // Type and size are checked per file in `uploadFile`, so a refused file shows its own message
  // instead of disappearing; `accept` only narrows the picker.
  const { getRootProps, getInputProps, open, isDragActive } = useDropzone({ onDrop, noClick: true, noKeyboard: true, multiple: maxFiles > 1 });
  const full = items.length >= maxFiles;

  return (
    <div>
      <div {...getRootProps({ style: { ...styles.dropzone, ...(isDragActive ? styles.dropzoneActive : {}) } })}>
        <label htmlFor={inputId} style={{ marginTop: 0 }}>
          {t(maxFiles === 1 ? "labelOne" : "label")}
        </label>
        {/* react-dropzone names the input "file upload"; dropping that lets the visible label name it. */}
        <input {...getInputProps({ id: inputId, accept: acceptAttribute(purpose), "aria-label": undefined, "aria-describedby": hintId, disabled: full })} />
        <p id={hintId} className="hint">
          {isDragActive ? t("dropActive") : t("dropHint")} {t(purpose === "evidence" ? "limitsEvidence" : "limitsProof", { max: maxFiles })}
        </p>
        <button type="button" className="secondary" onClick={open} disabled={full}>
          {t(maxFiles === 1 ? "chooseOne" : "choose")}
        </button>
      </div>

      {limitMessage ? (
        <p role="alert" className="field-error">
          {limitMessage}
        </p>
      ) : null}

      {items.length > 0 ? (
        <ul aria-label={t("fileList")} style={styles.list}>
          {items.map((item) => (
            <UploadRow key={item.key} item={item} t={t} onRemove={() => remove(item.key)} onRetry={() => void start(item.key, item.file)} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function UploadRow({
  item,
  t,
  onRemove,
  onRetry,
}: {
  item: Item;
  t: ReturnType<typeof uploaderTranslator>;
  onRemove: () => void;
  onRetry: () => void;
}) {
  const filename = item.file.name;
  const statusText =
    item.status === "requesting"
      ? t("waiting")
      : item.status === "uploading"
        ? t("uploading", { percent: item.percent })
        : item.status === "confirming"
          ? t("confirming")
          : item.status === "done"
            ? t("done")
            : null;

  return (
    <li style={styles.item}>
      {/* The name exactly as the device gave it; React escapes it, nothing else changes it. */}
      <p style={styles.name}>{filename}</p>
      {item.status !== "failed" ? (
        <div
          role="progressbar"
          aria-label={t("progressLabel", { filename })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={item.percent}
          aria-valuetext={statusText ?? undefined}
          style={styles.track}
        >
          <div style={{ width: `${item.percent}%`, height: "100%", background: "var(--accent)" }} />
        </div>
      ) : null}
      {statusText ? <p className="hint">{statusText}</p> : null}
      {item.error ? (
        <p role="alert" className="field-error">
          {item.error}
        </p>
      ) : null}
      <div style={styles.actions}>
        {item.status === "failed" && item.retryable ? (
          <button type="button" className="secondary" onClick={onRetry} aria-label={t("retryLabel", { filename })}>
            {t("retry")}
          </button>
        ) : null}
        <button type="button" className="secondary" onClick={onRemove} aria-label={t("removeLabel", { filename })}>
          {t("remove")}
        </button>
      </div>
    </li>
  );
}
