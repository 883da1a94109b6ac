import { createTranslator, defineMessages, type Locale } from "@/lib/i18n";

// Text of the evidence uploader. Refusals of a file's type or size come from the shared upload
// catalogue (lib/uploads/messages.ts), so the browser and the server word them the same way.
// NOTE: the isiZulu and Afrikaans texts are the developers' translations and still need review
// by first-language speakers.

const catalogue = defineMessages({
  en: {
    label: "Add files",
    dropHint: "Drag files here, or choose them from your phone or computer.",
    choose: "Choose files",
    limitsEvidence: "Up to {max} files: photos (JPEG, PNG, WebP), voice notes (MP3, Ogg) and PDF documents up to 15 MB each, videos (MP4) up to 50 MB.",
    limitsProof: "Up to {max} files: a photo (JPEG, PNG) or PDF of your bill, up to 10 MB each.",
    dropActive: "Drop the files to add them.",
    tooMany: "You can add at most {max} files. Remove one to add another.",
    fileList: "Files",
    waiting: "Preparing…",
    uploading: "Uploading: {percent}%",
    confirming: "Checking the file…",
    done: "Uploaded",
    progressLabel: "Upload of {filename}",
    remove: "Remove",
    removeLabel: "Remove {filename}",
    retry: "Try again",
    retryLabel: "Try uploading {filename} again",
    failedNetwork: 'The upload of "{filename}" was interrupted. Check your connection and try again.',
    failedExpired: 'The time to upload "{filename}" ran out. Please try again.',
    failedTooLarge: '"{filename}" is larger than the file store allows. Please choose a smaller file.',
    failedTooSmall: '"{filename}" is empty. Please choose the file again.',
    failedDenied: 'The file store did not accept "{filename}". Please try again; if it keeps happening, contact the municipality.',
    failedUnavailable: "The file store is not available right now. Please try again in a few minutes.",
    failedSession: "You are no longer signed in. Please sign in again, then add the file again.",
    failedForbidden: "Only signed-in residents of this municipality can upload files.",
    failedGeneric: 'Something went wrong with "{filename}". Please try again.',
  },
  zu: {
    label: "Engeza amafayela",
    dropHint: "Hudulela amafayela lapha, noma uwakhethe kufoni noma kukhompyutha yakho.",
    choose: "Khetha amafayela",
    limitsEvidence:
      "Amafayela afika ku-{max}: izithombe (JPEG, PNG, WebP), imilayezo yezwi (MP3, Ogg) namadokhumenti e-PDF afika ku-15 MB ngalinye, amavidiyo (MP4) afika ku-50 MB.",
    limitsProof: "Amafayela afika ku-{max}: isithombe (JPEG, PNG) noma i-PDF yesikweletu sakho, afika ku-10 MB ngalinye.",
    dropActive: "Yeka amafayela ukuze uwengeze.",
    tooMany: "Ungangeza amafayela angu-{max} kuphela. Susa elilodwa ukuze ungeze elinye.",
    fileList: "Amafayela",
    waiting: "Kuyalungiswa…",
    uploading: "Kuyalayishwa: {percent}%",
    confirming: "Ifayela liyahlolwa…",
    done: "Kulayishiwe",
    progressLabel: "Ukulayishwa kuka-{filename}",
    remove: "Susa",
    removeLabel: "Susa {filename}",
    retry: "Zama futhi",
    retryLabel: "Zama ukulayisha {filename} futhi",
    failedNetwork: 'Ukulayishwa kuka-"{filename}" kuphazamisekile. Hlola uxhumano lwakho bese uzama futhi.',
    failedExpired: 'Isikhathi sokulayisha "{filename}" siphelile. Sicela uzame futhi.',
    failedTooLarge: '"{filename}" likhulu kunalokho okuvunyelwe. Sicela ukhethe ifayela elincane.',
    failedTooSmall: '"{filename}" alinalutho. Sicela ukhethe ifayela futhi.',
    failedDenied: 'Isitolo samafayela asilamukelanga "{filename}". Sicela uzame futhi; uma kuqhubeka, xhumana nomasipala.',
    failedUnavailable: "Isitolo samafayela asitholakali manje. Sicela uzame futhi emizuzwini embalwa.",
    failedSession: "Awusangenile. Sicela ungene futhi, bese wengeza ifayela futhi.",
    failedForbidden: "Izakhamuzi zalo masipala ezingenile kuphela ezingalayisha amafayela.",
    failedGeneric: 'Kukhona okungahambanga kahle ngo-"{filename}". Sicela uzame futhi.',
  },
  af: {
    label: "Voeg lêers by",
    dropHint: "Sleep lêers hierheen, of kies hulle op jou foon of rekenaar.",
    choose: "Kies lêers",
    limitsEvidence:
      "Tot {max} lêers: foto's (JPEG, PNG, WebP), stemnotas (MP3, Ogg) en PDF-dokumente tot 15 MB elk, video's (MP4) tot 50 MB.",
    limitsProof: "Tot {max} lêers: 'n foto (JPEG, PNG) of PDF van jou rekening, tot 10 MB elk.",
    dropActive: "Los die lêers om hulle by te voeg.",
    tooMany: "Jy kan hoogstens {max} lêers byvoeg. Verwyder een om nog een by te voeg.",
    fileList: "Lêers",
    waiting: "Word voorberei…",
    uploading: "Word opgelaai: {percent}%",
    confirming: "Die lêer word nagegaan…",
    done: "Opgelaai",
    progressLabel: "Oplaai van {filename}",
    remove: "Verwyder",
    removeLabel: "Verwyder {filename}",
    retry: "Probeer weer",
    retryLabel: "Probeer {filename} weer oplaai",
    failedNetwork: 'Die oplaai van "{filename}" is onderbreek. Gaan jou verbinding na en probeer weer.',
    failedExpired: 'Die tyd om "{filename}" op te laai het verstryk. Probeer asseblief weer.',
    failedTooLarge: '"{filename}" is groter as wat toegelaat word. Kies asseblief \'n kleiner lêer.',
    failedTooSmall: '"{filename}" is leeg. Kies asseblief die lêer weer.',
    failedDenied: 'Die lêerstoor het "{filename}" nie aanvaar nie. Probeer asseblief weer; as dit aanhou gebeur, kontak die munisipaliteit.',
    failedUnavailable: "Die lêerstoor is nie nou beskikbaar nie. Probeer asseblief oor 'n paar minute weer.",
    failedSession: "Jy is nie meer aangemeld nie. Meld asseblief weer aan en voeg dan die lêer weer by.",
    failedForbidden: "Slegs aangemelde inwoners van hierdie munisipaliteit kan lêers oplaai.",
    failedGeneric: 'Iets het met "{filename}" verkeerd geloop. Probeer asseblief weer.',
  },
});

export type UploaderMessageKey = keyof typeof catalogue.en;

export function uploaderTranslator(locale: Locale) {
  return createTranslator(catalogue, locale);
}
