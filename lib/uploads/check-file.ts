import { allowedExtensionsText, formatBytes, resolveContentType, type AllowedType, type UploadPurpose } from "./limits";
import type { UploadTranslator } from "./messages";

export type FileCheck = { ok: true; type: AllowedType } | { ok: false; field: "declaredType" | "size"; message: string };

/**
 * Checks a file's type and size against the purpose's allow-list before any upload starts. The
 * browser runs it for quick feedback and `createUploadIntent` runs it again, so both show the same
 * message in the resident's language.
 */
export function checkFile(
  input: { purpose: UploadPurpose; filename: string; declaredType: string; size: number },
  t: UploadTranslator,
): FileCheck {
  const resolution = resolveContentType(input.purpose, input.filename, input.declaredType);
  const filename = input.filename;
  const allowed = allowedExtensionsText(input.purpose);
  if (!resolution.ok) {
    const message =
      resolution.reason === "heif"
        ? t("typeHeif", { filename })
        : resolution.reason === "unknown"
          ? t("typeUnknown", { filename, allowed })
          : t("typeNotAllowed", { filename, given: resolution.given, allowed });
    return { ok: false, field: "declaredType", message };
  }

  const type = resolution.type;
  if (input.size === 0) return { ok: false, field: "size", message: t("sizeEmpty", { filename }) };
  if (input.size > type.maxBytes) {
    // Just over the limit both round to the same "15 MB", so show the exact count then.
    const size = formatBytes(input.size) === formatBytes(type.maxBytes) ? `${input.size} bytes` : formatBytes(input.size);
    const message = t("sizeTooLarge", { filename, size, kind: t.kindLabel(type.kind), max: formatBytes(type.maxBytes) });
    return { ok: false, field: "size", message };
  }
  return { ok: true, type };
}
