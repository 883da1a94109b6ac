import { createTranslator, defineMessages, type Locale } from "../i18n";

// Resident-facing text about proof of residence: the /m/{slug}/verify page and the outcome message
// sent after a manager decides. Outcome messages never repeat text from the document.
// NOTE: the isiZulu and Afrikaans texts are the developers' translations and still need review by
// first-language speakers.

export const verificationMessages = defineMessages({
  en: {
    "verify.title": "Proof of residence",
    "verify.intro":
      "{municipality} may ask you to prove that you live in the municipality. Upload a recent municipal rates or utility account (not older than three months) in your name. A staff member checks it.",
    "verify.statusLabel": "Your status",
    "verify.status.unverified": "Not verified",
    "verify.status.pending": "Waiting for review",
    "verify.status.verified": "Verified",
    "verify.status.rejected": "Not accepted",
    "verify.pendingHint": "A staff member will check your document. You will get a message when they have decided.",
    "verify.verifiedAddress": "Verified address",
    "verify.verifiedOn": "Verified on {date}",
    "verify.rejectedHint": "Your last document was not accepted. Upload a recent account in your name to try again.",
    "verify.uploadHeading": "Upload your account",
    "verify.uploadHint": "A photo or scan (JPEG or PNG) or a PDF of the whole first page, up to 10 MB.",
    "verify.submit": "Submit for review",
    "verify.submitting": "Submitting…",
    "verify.submitted": "Thank you. Your document was submitted for review.",
    "verify.noFile": "Upload your account first, then submit it.",
    "verify.busy": "Wait until the upload has finished.",
    "verify.error": "Your document could not be submitted: {detail}",
    "verify.backHome": "Back to {municipality}",
    "verify.portalLink": "Prove your residence",
    "verify.portalHint": "Upload a recent municipal account to confirm your address.",
    "verify.requiredForReports": "{municipality} accepts reports on this website only from residents who have proved their residence.",
    "verify.requiredLink": "Submit proof of residence",
    "verify.requiredPending": "Your proof of residence is waiting for review. You can report a problem once it is verified.",

    "outcome.approved": "{municipality}: your proof of residence was accepted. You are now a verified resident.",
    "outcome.rejected":
      "{municipality}: your proof of residence was not accepted. Upload a recent municipal account in your name on the Bika website to try again.",
  },
  zu: {
    "verify.title": "Ubufakazi bokuhlala",
    "verify.intro":
      "I-{municipality} ingakucela ukuthi ufakazele ukuthi uhlala kulo masipala. Layisha i-akhawunti yamanje yezinkokhelo zikamasipala noma yezinsizakalo (engadlulanga izinyanga ezintathu) esegameni lakho. Isisebenzi siyayihlola.",
    "verify.statusLabel": "Isimo sakho",
    "verify.status.unverified": "Akuqinisekisiwe",
    "verify.status.pending": "Kulindelwe ukuhlolwa",
    "verify.status.verified": "Kuqinisekisiwe",
    "verify.status.rejected": "Akwamukelwanga",
    "verify.pendingHint": "Isisebenzi sizohlola umqulu wakho. Uzothola umlayezo uma sesinqumile.",
    "verify.verifiedAddress": "Ikheli eliqinisekisiwe",
    "verify.verifiedOn": "Kuqinisekiswe ngo-{date}",
    "verify.rejectedHint": "Umqulu wakho wokugcina awamukelwanga. Layisha i-akhawunti yamanje esegameni lakho ukuze uzame futhi.",
    "verify.uploadHeading": "Layisha i-akhawunti yakho",
    "verify.uploadHint": "Isithombe noma iskena (JPEG noma PNG) noma i-PDF yekhasi lokuqala lonke, kuze kufike ku-10 MB.",
    "verify.submit": "Thumela ukuze kuhlolwe",
    "verify.submitting": "Kuyathunyelwa…",
    "verify.submitted": "Siyabonga. Umqulu wakho uthunyelwe ukuze uhlolwe.",
    "verify.noFile": "Qala ulayishe i-akhawunti yakho, bese uyithumela.",
    "verify.busy": "Linda kuze kuqede ukulayisha.",
    "verify.error": "Umqulu wakho awukwazanga ukuthunyelwa: {detail}",
    "verify.backHome": "Buyela ku-{municipality}",
    "verify.portalLink": "Fakazela ukuhlala kwakho",
    "verify.portalHint": "Layisha i-akhawunti kamasipala yamanje ukuze uqinisekise ikheli lakho.",
    "verify.requiredForReports": "I-{municipality} yamukela imibiko kule webhusayithi kuphela kubahlali abafakazele ukuhlala kwabo.",
    "verify.requiredLink": "Thumela ubufakazi bokuhlala",
    "verify.requiredPending": "Ubufakazi bakho bokuhlala bulindele ukuhlolwa. Ungabika inkinga uma sebuqinisekisiwe.",

    "outcome.approved": "{municipality}: ubufakazi bakho bokuhlala bamukelwe. Manje ungumhlali oqinisekisiwe.",
    "outcome.rejected":
      "{municipality}: ubufakazi bakho bokuhlala abamukelwanga. Layisha i-akhawunti kamasipala yamanje esegameni lakho kuwebhusayithi ye-Bika ukuze uzame futhi.",
  },
  af: {
    "verify.title": "Bewys van adres",
    "verify.intro":
      "{municipality} kan vra dat u bewys dat u in die munisipaliteit woon. Laai 'n onlangse munisipale belasting- of diensterekening (nie ouer as drie maande nie) op u naam op. 'n Personeellid gaan dit na.",
    "verify.statusLabel": "U status",
    "verify.status.unverified": "Nie geverifieer nie",
    "verify.status.pending": "Wag vir hersiening",
    "verify.status.verified": "Geverifieer",
    "verify.status.rejected": "Nie aanvaar nie",
    "verify.pendingHint": "'n Personeellid sal u dokument nagaan. U kry 'n boodskap wanneer hulle besluit het.",
    "verify.verifiedAddress": "Geverifieerde adres",
    "verify.verifiedOn": "Geverifieer op {date}",
    "verify.rejectedHint": "U vorige dokument is nie aanvaar nie. Laai 'n onlangse rekening op u naam op om weer te probeer.",
    "verify.uploadHeading": "Laai u rekening op",
    "verify.uploadHint": "'n Foto of skandering (JPEG of PNG) of 'n PDF van die hele eerste bladsy, tot 10 MB.",
    "verify.submit": "Dien in vir hersiening",
    "verify.submitting": "Word ingedien…",
    "verify.submitted": "Dankie. U dokument is vir hersiening ingedien.",
    "verify.noFile": "Laai eers u rekening op en dien dit dan in.",
    "verify.busy": "Wag totdat die oplaai klaar is.",
    "verify.error": "U dokument kon nie ingedien word nie: {detail}",
    "verify.backHome": "Terug na {municipality}",
    "verify.portalLink": "Bewys u adres",
    "verify.portalHint": "Laai 'n onlangse munisipale rekening op om u adres te bevestig.",
    "verify.requiredForReports": "{municipality} aanvaar verslae op hierdie webwerf net van inwoners wat hul adres bewys het.",
    "verify.requiredLink": "Dien bewys van adres in",
    "verify.requiredPending": "U bewys van adres wag vir hersiening. U kan 'n probleem rapporteer sodra dit geverifieer is.",

    "outcome.approved": "{municipality}: u bewys van adres is aanvaar. U is nou 'n geverifieerde inwoner.",
    "outcome.rejected":
      "{municipality}: u bewys van adres is nie aanvaar nie. Laai 'n onlangse munisipale rekening op u naam op die Bika-webwerf op om weer te probeer.",
  },
});

export type VerificationMessageKey = keyof (typeof verificationMessages)["en"];

export function verificationTranslator(locale: Locale) {
  return createTranslator(verificationMessages, locale);
}
