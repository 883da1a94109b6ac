import { createTranslator, defineMessages, type Locale } from "@/lib/i18n";

// Text of the offer to use a dropped photo's GPS position as the report's location.
// NOTE: the isiZulu and Afrikaans texts are the developers' translations and still need review
// by first-language speakers.

const catalogue = defineMessages({
  en: {
    question: "Use the location from this photo?",
    detail: '"{filename}" records where it was taken: {latitude}, {longitude}. If you use it, this place becomes the location of your report.',
    accept: "Use this location",
    decline: "Don't use it",
    used: 'The location from "{filename}" is now the location of your report.',
    declined: "The photo's location will not be used.",
    none: 'We found no location in "{filename}". Please add the location another way: use your current location, or type the street address or a landmark.',
  },
  zu: {
    question: "Sebenzisa indawo evela kulesi sithombe?",
    detail: '"{filename}" sinerekhodi lendawo lapho sathathwa khona: {latitude}, {longitude}. Uma uyisebenzisa, le ndawo izoba indawo yombiko wakho.',
    accept: "Sebenzisa le ndawo",
    decline: "Ungayisebenzisi",
    used: 'Indawo evela ku-"{filename}" manje iyindawo yombiko wakho.',
    declined: "Indawo yesithombe ngeke isetshenziswe.",
    none: 'Asitholanga ndawo ku-"{filename}". Sicela ufake indawo ngenye indlela: sebenzisa indawo okuyo manje, noma ubhale ikheli lomgwaqo noma uphawu lwendawo.',
  },
  af: {
    question: "Gebruik die ligging van hierdie foto?",
    detail: '"{filename}" hou rekord van waar dit geneem is: {latitude}, {longitude}. As jy dit gebruik, word hierdie plek die ligging van jou verslag.',
    accept: "Gebruik hierdie ligging",
    decline: "Moenie dit gebruik nie",
    used: 'Die ligging van "{filename}" is nou die ligging van jou verslag.',
    declined: "Die foto se ligging sal nie gebruik word nie.",
    none: 'Ons het geen ligging in "{filename}" gevind nie. Voeg asseblief die ligging op \'n ander manier by: gebruik jou huidige ligging, of tik die straatadres of \'n landmerk in.',
  },
});

export type PhotoLocationMessageKey = keyof typeof catalogue.en;

export function photoLocationTranslator(locale: Locale) {
  return createTranslator(catalogue, locale);
}
