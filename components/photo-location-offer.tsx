"use client";

import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { UploaderFile } from "@/components/evidence-uploader";
import type { Locale } from "@/lib/i18n";
import { readPhotoLocation, type PhotoLocation } from "@/lib/media/photo-location";
import { photoLocationTranslator } from "./photo-location-offer/messages";

export interface PhotoLocationOfferProps {
  /** The uploader's files, in the order shown. */
  files: readonly UploaderFile[];
  locale: Locale;
  /** True while the form has coordinates from any source; the request to add a location is then not shown. */
  hasCoordinates: boolean;
  /** Key of the file whose position the form uses, or null. */
  usedFileKey: string | null;
  onUse: (location: PhotoLocation, fileKey: string) => void;
}

// Decimal places shown in the offer: 5 places of a degree are about 1 m.
const SHOWN_DECIMALS = 5;

/** Photos the browser looks into. Video, audio and PDF files carry no photo position. */
function isPhoto(file: File): boolean {
  return file.type.startsWith("image/") || /\.(jpe?g|jfif|png|webp)$/i.test(file.name);
}

/**
 * Reads the EXIF GPS position of each photo the resident adds, in the browser and while it uploads,
 * and offers it as the report's location. Nothing is used until the resident
 * accepts. A photo without a usable position leads to a request to add the location another way.
 */
export function PhotoLocationOffer({ files, locale, hasCoordinates, usedFileKey, onUse }: PhotoLocationOfferProps) {
  const t = useMemo(() => photoLocationTranslator(locale), [locale]);
  const headingId = useId();
  // Per file key: absent while not read, null when the photo has no usable position.
  const [readings, setReadings] = useState<Record<string, PhotoLocation | null>>({});
  const [declined, setDeclined] = useState<ReadonlySet<string>>(new Set());
  const started = useRef(new Set<string>());

  useEffect(() => {
    for (const { key, file } of files) {
      if (started.current.has(key) || !isPhoto(file)) continue;
      started.current.add(key);
      void readPhotoLocation(file).then((location) => setReadings((current) => ({ ...current, [key]: location })));
    }
  }, [files]);

  const used = files.find((entry) => entry.key === usedFileKey);
  const offered = used ? undefined : files.find((entry) => readings[entry.key] && !declined.has(entry.key));
  const offeredLocation = offered ? readings[offered.key] : null;
  const withoutLocation = [...files].reverse().find((entry) => readings[entry.key] === null);
  const anyDeclined = files.some((entry) => declined.has(entry.key));

  let status: string | null = null;
  if (used) status = t("used", { filename: used.file.name });
  else if (!offered && !hasCoordinates && withoutLocation) status = t("none", { filename: withoutLocation.file.name });
  else if (!offered && !hasCoordinates && anyDeclined) status = t("declined");

  return (
    <div>
      {offered && offeredLocation ? (
        <div className="notice" role="group" aria-labelledby={headingId}>
          <p id={headingId}>
            <strong>{t("question")}</strong>
          </p>
          <p>
            {t("detail", {
              filename: offered.file.name,
              latitude: offeredLocation.latitude.toFixed(SHOWN_DECIMALS),
              longitude: offeredLocation.longitude.toFixed(SHOWN_DECIMALS),
            })}
          </p>
          <div className="location-actions">
            <button type="button" onClick={() => onUse(offeredLocation, offered.key)}>
              {t("accept")}
            </button>
            <button type="button" className="secondary" onClick={() => setDeclined((current) => new Set(current).add(offered.key))}>
              {t("decline")}
            </button>
          </div>
        </div>
      ) : null}
      <p role="status" className="hint">
        {status}
      </p>
    </div>
  );
}
