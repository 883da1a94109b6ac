import { createTranslator, defineMessages, type Locale } from "@/lib/i18n";

// Resident-facing upload messages, used by the server verbs and by the browser's own checks so
// both show the same text. Pure module: safe to import from client components.
// NOTE: the isiZulu and Afrikaans texts are the developers' translations and still need review
// by first-language speakers.

const catalogue = defineMessages({
  en: {
    typeHeif:
      '"{filename}" is a HEIC/HEIF photo, which we cannot accept. Please send it as a JPEG: set your camera to "Most compatible" or share the photo as JPEG, then add it again.',
    typeNotAllowed: '"{filename}" cannot be uploaded because files of type {given} are not accepted. Please choose a file of type {allowed}.',
    typeUnknown: 'We could not tell what kind of file "{filename}" is. Please choose a file of type {allowed}.',
    sizeEmpty: '"{filename}" is empty (0 bytes). Please choose the file again.',
    sizeTooLarge: '"{filename}" is {size}, but {kind} may be at most {max}. Please choose a smaller file.',
    tooManyPending: "You have {count} uploads that are not finished. Please wait for them or remove some, then try again.",
    objectMissing: 'We did not receive "{filename}". Please upload it again.',
    intentExpired: 'The time to upload "{filename}" ran out (15 minutes). Please add the file again.',
    sizeMismatch: '"{filename}" arrived with {actual}, but it should have {declared}. Please upload it again.',
    typeMismatch: 'The file "{filename}" is not {expected}: its content is {sniffed}. Please choose the original file and try again.',
    alreadyRejected: '"{filename}" was not accepted earlier. Please add the file again.',
    notFound: "This file was not found. It may have been removed; please add it again.",
    kindImage: "images",
    kindVideo: "videos",
    kindAudio: "voice notes and audio",
    kindDocument: "documents",
    "label:image/jpeg": "a JPEG image",
    "label:image/png": "a PNG image",
    "label:image/webp": "a WebP image",
    "label:video/mp4": "an MP4 video",
    "label:audio/ogg": "an Ogg audio recording",
    "label:audio/mpeg": "an MP3 audio recording",
    "label:application/pdf": "a PDF document",
  },
  zu: {
    typeHeif:
      '"{filename}" yisithombe se-HEIC/HEIF, esingakwazi ukusamukela. Sicela usithumele njenge-JPEG: setha ikhamera yakho ku-"Most compatible" noma wabelane ngesithombe njenge-JPEG, bese usifaka futhi.',
    typeNotAllowed: '"{filename}" alikwazi ukulayishwa ngoba amafayela ohlobo {given} awamukelwa. Sicela ukhethe ifayela lohlobo {allowed}.',
    typeUnknown: 'Asikwazanga ukubona ukuthi "{filename}" yifayela lohlobo luni. Sicela ukhethe ifayela lohlobo {allowed}.',
    sizeEmpty: '"{filename}" alinalutho (0 bytes). Sicela ukhethe ifayela futhi.',
    sizeTooLarge: '"{filename}" lingu-{size}, kodwa {kind} angaba ngu-{max} kuphela. Sicela ukhethe ifayela elincane.',
    tooManyPending: "Unokulayisha okungu-{count} okungakaqedwa. Sicela ulinde noma ususe amanye, bese uzama futhi.",
    objectMissing: 'Asilitholanga "{filename}". Sicela ulilayishe futhi.',
    intentExpired: 'Isikhathi sokulayisha "{filename}" siphelile (imizuzu eyi-15). Sicela ulifake futhi.',
    sizeMismatch: '"{filename}" lifike line-{actual}, kodwa bekufanele libe ne-{declared}. Sicela ulilayishe futhi.',
    typeMismatch: 'Ifayela elithi "{filename}" akuyona {expected}: okuqukethwe yilo kungu-{sniffed}. Sicela ukhethe ifayela langempela bese uzama futhi.',
    alreadyRejected: '"{filename}" alizange lamukelwe ngaphambilini. Sicela ulifake futhi.',
    notFound: "Leli fayela alitholakalanga. Kungenzeka ukuthi lisusiwe; sicela ulifake futhi.",
    kindImage: "izithombe",
    kindVideo: "amavidiyo",
    kindAudio: "imilayezo yezwi nomsindo",
    kindDocument: "amadokhumenti",
    "label:image/jpeg": "isithombe se-JPEG",
    "label:image/png": "isithombe se-PNG",
    "label:image/webp": "isithombe se-WebP",
    "label:video/mp4": "ividiyo ye-MP4",
    "label:audio/ogg": "irekhodi lomsindo le-Ogg",
    "label:audio/mpeg": "irekhodi lomsindo le-MP3",
    "label:application/pdf": "idokhumenti ye-PDF",
  },
  af: {
    typeHeif:
      '"{filename}" is \'n HEIC/HEIF-foto, wat ons nie kan aanvaar nie. Stuur dit asseblief as JPEG: stel jou kamera op "Most compatible" of deel die foto as JPEG, en voeg dit dan weer by.',
    typeNotAllowed: '"{filename}" kan nie opgelaai word nie, want lêers van tipe {given} word nie aanvaar nie. Kies asseblief \'n lêer van tipe {allowed}.',
    typeUnknown: 'Ons kon nie bepaal watter soort lêer "{filename}" is nie. Kies asseblief \'n lêer van tipe {allowed}.',
    sizeEmpty: '"{filename}" is leeg (0 grepe). Kies asseblief die lêer weer.',
    sizeTooLarge: '"{filename}" is {size}, maar {kind} mag hoogstens {max} wees. Kies asseblief \'n kleiner lêer.',
    tooManyPending: "Jy het {count} oplaaie wat nie klaar is nie. Wag asseblief daarvoor of verwyder sommige, en probeer dan weer.",
    objectMissing: 'Ons het "{filename}" nie ontvang nie. Laai dit asseblief weer op.',
    intentExpired: 'Die tyd om "{filename}" op te laai het verstryk (15 minute). Voeg die lêer asseblief weer by.',
    sizeMismatch: '"{filename}" het met {actual} aangekom, maar dit moes {declared} gehad het. Laai dit asseblief weer op.',
    typeMismatch: 'Die lêer "{filename}" is nie {expected} nie: die inhoud is {sniffed}. Kies asseblief die oorspronklike lêer en probeer weer.',
    alreadyRejected: '"{filename}" is vroeër nie aanvaar nie. Voeg die lêer asseblief weer by.',
    notFound: "Hierdie lêer is nie gevind nie. Dit is dalk verwyder; voeg dit asseblief weer by.",
    kindImage: "foto's",
    kindVideo: "video's",
    kindAudio: "stemnotas en klank",
    kindDocument: "dokumente",
    "label:image/jpeg": "'n JPEG-beeld",
    "label:image/png": "'n PNG-beeld",
    "label:image/webp": "'n WebP-beeld",
    "label:video/mp4": "'n MP4-video",
    "label:audio/ogg": "'n Ogg-klankopname",
    "label:audio/mpeg": "'n MP3-klankopname",
    "label:application/pdf": "'n PDF-dokument",
  },
});

export type UploadMessageKey = keyof typeof catalogue.en;
export type UploadTranslator = ReturnType<typeof createUploadTranslator>;

export function createUploadTranslator(locale: Locale) {
  const t = createTranslator(catalogue, locale);
  return Object.assign(t, {
    /** "a JPEG image" for a pinned type; the bare MIME type for anything outside the allow-lists. */
    typeLabel(contentType: string): string {
      const key = `label:${contentType}`;
      return key in catalogue.en ? t(key as UploadMessageKey) : contentType;
    },
    kindLabel(kind: "image" | "video" | "audio" | "document"): string {
      const keys = { image: "kindImage", video: "kindVideo", audio: "kindAudio", document: "kindDocument" } as const;
      return t(keys[kind]);
    },
  });
}
