"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition, type FormEvent } from "react";
import { sharePhotoLocationAction } from "@/app/actions/photo-location";
import { submitReport } from "@/app/actions/tickets";
import { EvidenceUploader, type UploaderFile } from "@/components/evidence-uploader";
import { FieldError } from "@/components/field-error";
import { PhotoLocationOffer } from "@/components/photo-location-offer";
import type { Locale } from "@/lib/i18n";
import type { PhotoLocation } from "@/lib/media/photo-location";
import { portalTranslator, type PortalMessageKey } from "@/lib/portal/messages";

const DESCRIPTION_MAX = 4000;
const ADDRESS_MAX = 300;
const MAX_EVIDENCE_FILES = 5;

// Six decimal places of a degree are about 0.1 m, finer than a phone's GPS fix (typically metres).
const COORDINATE_DECIMALS = 6;

type Field = "categoryId" | "description" | "addressText" | "location" | "attachments";

/** The id of each field's control, which the error summary links to. */
const FIELD_INPUT_IDS: Record<Field, string> = {
  categoryId: "report-category",
  description: "report-description",
  addressText: "report-address",
  location: "report-use-location",
  attachments: "report-evidence",
};

const FIELD_MESSAGES: Record<Field, PortalMessageKey> = {
  categoryId: "error.category",
  description: "error.description",
  addressText: "error.address",
  location: "error.location",
  attachments: "error.attachments",
};

const CODE_MESSAGES: Partial<Record<string, PortalMessageKey>> = {
  forbidden: "error.forbidden",
  unauthenticated: "error.unauthenticated",
  not_found: "error.forbidden",
  rate_limited: "error.rate_limited",
  unavailable: "error.unavailable",
  internal: "error.internal",
};

interface SubmitErrors {
  fields: Partial<Record<Field, true>>;
  /** Message for an error that belongs to no single field, such as a refusal. */
  general: string | null;
  /** The server's own English text, shown under the translation in the other languages. */
  detail: string | null;
}

type GeolocationState =
  | { status: "idle" }
  | { status: "locating" }
  | { status: "found" }
  | { status: "removed" }
  | { status: "failed"; message: PortalMessageKey };

interface Coordinates {
  latitude: number;
  longitude: number;
}

/** Maps an action's field error keys (zod paths such as `attachmentFileIds.2`) to the form's fields. */
function toFormField(key: string): Field | null {
  const head = key.split(".")[0];
  if (head === "categoryId" || head === "description" || head === "addressText") return head;
  if (head === "latitude" || head === "longitude") return "location";
  if (head === "attachmentFileIds") return "attachments";
  return null;
}

function roundCoordinate(value: number): number {
  return Number(value.toFixed(COORDINATE_DECIMALS));
}

export interface ReportFormProps {
  slug: string;
  locale: Locale;
  categories: { id: string; name: string }[];
}

/**
 * Renders the resident's report form. Fields are controlled so that their values survive a rejected
 * submission. The server's field errors are shown beside each field and listed in a summary.
 */
export function ReportForm({ slug, locale, categories }: ReportFormProps) {
  const t = portalTranslator(locale);
  const router = useRouter();
  const [categoryId, setCategoryId] = useState("");
  const [description, setDescription] = useState("");
  const [addressText, setAddressText] = useState("");
  const [coordinates, setCoordinates] = useState<Coordinates | null>(null);
  const [geolocation, setGeolocation] = useState<GeolocationState>({ status: "idle" });
  const [evidence, setEvidence] = useState<{ fileIds: string[]; busy: boolean }>({ fileIds: [], busy: false });
  const [evidenceFiles, setEvidenceFiles] = useState<UploaderFile[]>([]);
  // The uploader's key of the photo whose GPS position the coordinates came from, with the resident's consent.
  const [photoLocationKey, setPhotoLocationKey] = useState<string | null>(null);
  const [errors, setErrors] = useState<SubmitErrors | null>(null);
  const [pending, startTransition] = useTransition();
  const summaryRef = useRef<HTMLDivElement>(null);
  // Set by a rejected submission only, so that clearing one field's error does not move the focus.
  const focusSummary = useRef(false);

  useEffect(() => {
    if (errors && focusSummary.current) {
      focusSummary.current = false;
      summaryRef.current?.focus();
    }
  }, [errors]);

  const onEvidenceChange = useCallback((state: { fileIds: string[]; busy: boolean }) => {
    setEvidence(state);
    clearFieldError("attachments");
  }, []);

  // A field the resident has changed since the rejected submission no longer shows its error.
  function clearFieldError(field: Field) {
    setErrors((current) => {
      if (!current?.fields[field]) return current;
      const fields = { ...current.fields };
      delete fields[field];
      const empty = Object.keys(fields).length === 0 && current.general === null;
      return empty ? null : { ...current, fields };
    });
  }

  function fillCurrentLocation() {
    if (typeof navigator === "undefined" || !("geolocation" in navigator)) {
      setGeolocation({ status: "failed", message: "report.locationUnsupported" });
      return;
    }
    setGeolocation({ status: "locating" });
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setCoordinates({
          latitude: roundCoordinate(position.coords.latitude),
          longitude: roundCoordinate(position.coords.longitude),
        });
        setPhotoLocationKey(null);
        setGeolocation({ status: "found" });
        clearFieldError("location");
      },
      (error) => {
        const message = error.code === error.PERMISSION_DENIED ? "report.locationDenied" : "report.locationUnavailable";
        setGeolocation({ status: "failed", message });
      },
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  }

  function applyPhotoLocation(location: PhotoLocation, fileKey: string) {
    setCoordinates({ latitude: roundCoordinate(location.latitude), longitude: roundCoordinate(location.longitude) });
    setPhotoLocationKey(fileKey);
    setGeolocation({ status: "idle" });
    clearFieldError("location");
  }

  function removeLocation() {
    setCoordinates(null);
    setPhotoLocationKey(null);
    clearFieldError("location");
    setGeolocation({ status: "removed" });
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (evidence.busy || pending) return;
    startTransition(async () => {
      // Records the photo's position on its attachment, read again on the server, as the resident
      // agreed. The report carries the coordinates either way, so a failure here does not stop it.
      const sharedFileId = evidenceFiles.find((file) => file.key === photoLocationKey)?.fileId;
      if (coordinates && sharedFileId && evidence.fileIds.includes(sharedFileId)) {
        await sharePhotoLocationAction(sharedFileId, locale);
      }
      const result = await submitReport(slug, {
        categoryId,
        description,
        addressText,
        latitude: coordinates?.latitude,
        longitude: coordinates?.longitude,
        attachmentFileIds: evidence.fileIds,
      });
      if (result.ok) {
        router.push(`/m/${slug}/report/submitted?ref=${encodeURIComponent(result.data.reference)}`);
        return;
      }
      const fields: Partial<Record<Field, true>> = {};
      for (const key of Object.keys(result.fieldErrors ?? {})) {
        const field = toFormField(key);
        if (field) fields[field] = true;
      }
      const hasFieldErrors = Object.keys(fields).length > 0;
      let general: string | null = null;
      let detail: string | null = null;
      if (!hasFieldErrors) {
        // In English the server's own message is the most specific one the resident can get. In
        // the other languages it follows the translated one, because it names the actual reason.
        if (locale === "en" && result.code !== "internal") {
          general = result.message;
        } else {
          general = t(CODE_MESSAGES[result.code] ?? "error.internal");
          if (result.code !== "internal") detail = result.message;
        }
      }
      focusSummary.current = true;
      setErrors({ fields, general, detail });
    });
  }

  const fieldError = (field: Field) => (errors?.fields[field] ? t(FIELD_MESSAGES[field]) : null);
  const describedBy = (...ids: (string | false | null | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;
  const fieldsWithErrors = (Object.keys(FIELD_INPUT_IDS) as Field[]).filter((field) => errors?.fields[field]);
  const submitDisabled = evidence.busy || pending;

  return (
    <form onSubmit={onSubmit} noValidate className="report-form">
      {errors ? (
        <div ref={summaryRef} tabIndex={-1} role="alert" className="error-summary" aria-labelledby="report-error-title">
          <h2 id="report-error-title">{t("report.notSent")}</h2>
          {errors.general ? <p>{errors.general}</p> : null}
          {errors.detail ? (
            <p lang="en" className="muted">
              {errors.detail}
            </p>
          ) : null}
          {fieldsWithErrors.length > 0 ? <p>{t("report.fixFields")}</p> : null}
          {fieldsWithErrors.length > 0 ? (
            <ul>
              {fieldsWithErrors.map((field) => (
                <li key={field}>
                  <a href={`#${FIELD_INPUT_IDS[field]}`}>{t(FIELD_MESSAGES[field])}</a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="field">
        <label htmlFor="report-category">
          {t("report.category")} <span className="muted">({t("report.required")})</span>
        </label>
        <select
          id="report-category"
          name="categoryId"
          required
          value={categoryId}
          onChange={(event) => {
            setCategoryId(event.target.value);
            clearFieldError("categoryId");
          }}
          aria-invalid={errors?.fields.categoryId ? true : undefined}
          aria-describedby={describedBy(errors?.fields.categoryId && "report-category-error")}
        >
          <option value="">{t("report.categoryPlaceholder")}</option>
          {categories.map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </select>
        <FieldError id="report-category-error" message={fieldError("categoryId")} />
      </div>

      <div className="field">
        <label htmlFor="report-description">
          {t("report.description")} <span className="muted">({t("report.required")})</span>
        </label>
        <p id="report-description-hint" className="hint">
          {t("report.descriptionHint")}
        </p>
        <textarea
          id="report-description"
          name="description"
          required
          maxLength={DESCRIPTION_MAX}
          rows={6}
          value={description}
          onChange={(event) => {
            setDescription(event.target.value);
            clearFieldError("description");
          }}
          aria-invalid={errors?.fields.description ? true : undefined}
          aria-describedby={describedBy("report-description-hint", errors?.fields.description && "report-description-error")}
        />
        <p className="hint counter">{t("report.descriptionCount", { count: description.length })}</p>
        <FieldError id="report-description-error" message={fieldError("description")} />
      </div>

      <fieldset className="field">
        <legend>
          {t("report.location")} <span className="muted">({t("report.optional")})</span>
        </legend>
        <label htmlFor="report-address">{t("report.address")}</label>
        <p id="report-address-hint" className="hint">
          {t("report.addressHint")}
        </p>
        <input
          id="report-address"
          name="addressText"
          type="text"
          autoComplete="street-address"
          maxLength={ADDRESS_MAX}
          value={addressText}
          onChange={(event) => {
            setAddressText(event.target.value);
            clearFieldError("addressText");
          }}
          aria-invalid={errors?.fields.addressText ? true : undefined}
          aria-describedby={describedBy("report-address-hint", errors?.fields.addressText && "report-address-error")}
        />
        <FieldError id="report-address-error" message={fieldError("addressText")} />

        <div className="location-actions">
          <button
            type="button"
            id="report-use-location"
            className="secondary"
            onClick={fillCurrentLocation}
            disabled={geolocation.status === "locating"}
            aria-describedby={describedBy(errors?.fields.location && "report-location-error")}
          >
            {t("report.useLocation")}
          </button>
        </div>
        <p role="status" className="hint">
          {geolocation.status === "locating" ? t("report.locating") : null}
          {geolocation.status === "found" ? t("report.locationAdded") : null}
          {geolocation.status === "removed" ? t("report.locationRemoved") : null}
        </p>
        {geolocation.status === "failed" ? <p className="error">{t(geolocation.message)}</p> : null}

        {coordinates ? (
          <div className="coordinates">
            <div>
              <label htmlFor="report-latitude">{t("report.latitude")}</label>
              <input id="report-latitude" type="text" readOnly value={coordinates.latitude.toFixed(COORDINATE_DECIMALS)} />
            </div>
            <div>
              <label htmlFor="report-longitude">{t("report.longitude")}</label>
              <input id="report-longitude" type="text" readOnly value={coordinates.longitude.toFixed(COORDINATE_DECIMALS)} />
            </div>
            <button type="button" className="secondary" onClick={removeLocation}>
              {t("report.removeLocation")}
            </button>
          </div>
        ) : null}
        <FieldError id="report-location-error" message={fieldError("location")} />
      </fieldset>

      <fieldset className="field" id="report-evidence" tabIndex={-1}>
        <legend>
          {t("report.evidence")} <span className="muted">({t("report.optional")})</span>
        </legend>
        <EvidenceUploader
          purpose="evidence"
          maxFiles={MAX_EVIDENCE_FILES}
          locale={locale}
          onChange={onEvidenceChange}
          onFilesChange={setEvidenceFiles}
        />
        <PhotoLocationOffer
          files={evidenceFiles}
          locale={locale}
          hasCoordinates={coordinates !== null}
          usedFileKey={photoLocationKey}
          onUse={applyPhotoLocation}
        />
        <FieldError id="report-evidence-error" message={fieldError("attachments")} />
      </fieldset>

      <div className="form-actions">
        <button type="submit" disabled={submitDisabled} aria-describedby={evidence.busy ? "report-wait-hint" : undefined}>
          {pending ? t("report.submitting") : t("report.submit")}
        </button>
        {evidence.busy ? (
          <p id="report-wait-hint" className="hint">
            {t("report.waitForUploads")}
          </p>
        ) : null}
      </div>

      <p className="discreet">
        <Link href={`/m/${slug}/report/confidential`}>{t("report.confidentialLink")}</Link>
      </p>
    </form>
  );
}
