import { createTranslator, defineMessages, type Locale } from "@/lib/i18n";
import type { TicketStatus } from "@/lib/tickets/ticket-summary";

// Every text the WhatsApp channel sends a resident: conversation replies, notifications and notices.
// Replies in the confidential path never contain what the resident wrote.
// NOTE: the isiZulu and Afrikaans texts are the developers' translations and still need review by
// first-language speakers.

const catalogue = defineMessages({
  en: {
    welcome: "Welcome to {municipality} on WhatsApp.",
    menu:
      "What would you like to do? Reply with a number:\n1. Report a problem\n2. Check a report\n3. Confidential report (gender-based violence)\n4. Verify your residence\n5. Language: English, isiZulu, Afrikaans",
    help:
      'Send "menu" to see the options, "cancel" to stop what you are doing, or "status" and a reference to check a report, for example: status {example}\nIn danger? Call SAPS on 10111.',
    expired: "Your earlier conversation was idle for more than a day, so it was closed. Nothing from it was sent.",
    cancelled: "Stopped. Nothing was sent.",
    nothingToCancel: "There is nothing to cancel.",
    draftDiscarded: "Your unfinished report was discarded.",
    notUnderstood: "Sorry, that is not one of the options. Reply with a number from the list.",
    categoryPrompt: "Which kind of problem is it? Reply with a number:\n{list}",
    descriptionPrompt: "Describe the problem in your own words (at least 10 characters).",
    descriptionTooShort: "Please describe the problem in at least 10 characters.",
    descriptionTooLong: "Please shorten the description to 4000 characters or fewer.",
    locationPrompt:
      "Where is the problem? Share a location pin (tap the paperclip or plus sign, then Location), or type the address or a landmark.",
    locationInvalid: "Please type the address or a landmark in 3 to 300 characters, or share a location pin.",
    evidencePrompt:
      'Send photos, videos, voice notes or PDF documents of the problem, up to {max}. Send "done" when you have finished, or "done" now to send none.',
    evidenceReceived: 'Received {count} of {max} files. Send more, or "done" when you have finished.',
    evidenceFull: "You have attached {max} files, the most a report can carry.",
    evidenceSkipped: "Only {max} files fit on a report, so {count} more were not added.",
    evidenceTypeRejected:
      "File {position} ({type}) was not added: send photos (JPEG, PNG or WebP), MP4 videos, voice notes, MP3 audio or PDF documents.",
    evidenceHint: 'Send a file, or "done" when you have finished.',
    confirmPrompt:
      "Please check your report:\nCategory: {category}\nProblem: {description}\nPlace: {location}\nFiles: {files}\n\nReply 1 to send it or 2 to cancel.",
    locationPin: "pin at {latitude}, {longitude}",
    reportCreated: 'Thank you. Your report was recorded with reference {reference}. Send "status {reference}" at any time to check on it.',
    statusPrompt: "Send the reference of the report you want to check, for example {example}.",
    recentReports: "Your recent reports:\n{list}\nReply with a number or a reference.",
    noReports: 'You have no reports with {municipality} yet. Send "menu" and choose 1 to report a problem.',
    statusLine: "Report {reference}: {status}. Reported on {date}, last updated on {updated}.",
    statusNotFound: "No report {reference} was found for this WhatsApp number. Check the reference and try again.",
    "status:new": "Received",
    "status:acknowledged": "Acknowledged",
    "status:assigned": "Assigned to a team",
    "status:in_progress": "In progress",
    "status:resolved": "Resolved",
    "status:closed": "Closed",
    "status:rejected": "Not accepted",
    gbvEmergency:
      "If you are in danger now, call the police (SAPS) on 10111, or the GBV Command Centre on 0800 428 428. Both answer day and night, and the call to the Command Centre is free.",
    gbvIntro:
      'This report is confidential: only a trained police liaison officer can read it, and our replies will not repeat what you write. If someone else uses this phone, delete this chat when you have finished.\n\nIn your own words, what happened? Send "cancel" at any time to stop.',
    gbvUnavailable:
      "Confidential reports cannot be received on WhatsApp at the moment. If you are in danger, call SAPS on 10111 or the GBV Command Centre on 0800 428 428.",
    gbvAccountTooShort: 'Please write at least 10 characters about what happened, or send "cancel" to stop.',
    gbvTooLong: "That message is too long. Please shorten it to {max} characters.",
    gbvWhenPrompt: 'When did it happen? For example: last night, or 3 May. Send "skip" if you prefer not to say.',
    gbvPlacePrompt: 'Where did it happen? Type a place or share a location pin. Send "skip" if you prefer not to say.',
    gbvContactMethodPrompt:
      "How can an officer contact you safely? Reply with a number:\n1. Phone call\n2. SMS\n3. WhatsApp\n4. Email\n5. In person\n6. Do not contact me",
    gbvContactDetailsPrompt:
      'When and how is it safe to reach you, for example a number or times to avoid? Send "skip" to leave this out.',
    gbvConfirmPrompt: "Your confidential report is ready. Reply 1 to send it or 2 to discard it.",
    gbvCreated:
      "Your confidential report was received. Reference: {reference}. An officer will follow up in the way you chose. If someone else uses this phone, delete this chat now.",
    gbvDiscarded: "Your confidential report was discarded and nothing was sent. If someone else uses this phone, delete this chat.",
    gbvNoFiles:
      "Files cannot be added to a confidential report on WhatsApp, so this file was not kept. The officer can arrange to collect evidence from you.",
    gbvSessionLost: "Your confidential report could not be continued, so nothing was sent. Please start again from the menu.",
    verifyVerified: "Your residence in {municipality} is verified.",
    verifyPending: "{municipality} is checking your proof of residence.",
    verifyRejected: "Your proof of residence was not accepted.",
    verifyUnverified: "Your residence is not verified yet.",
    verifyHow: "To prove where you live, sign in at {url} with this WhatsApp number and upload a recent rates or utility bill.",
    languagePrompt: "Choose your language. Reply with a number:\n1. English\n2. isiZulu\n3. Afrikaans",
    languageSet: "From now on I will reply in English.",
    staffNumber: "This number belongs to a municipal staff account, which cannot report on WhatsApp. Use the dashboard instead.",
    processingFailed: "Sorry, something went wrong on our side and your message was not processed. Please send it again in a few minutes.",
    mediaFailed: "File {position} of your report ({kind}, sent at {sentAt}) could not be saved: {reason} Please send it again.",
    mediaReasonType: "it is not a photo, video, voice note or PDF document.",
    mediaReasonSize: "it is larger than {max}.",
    mediaReasonUnavailable: "it could not be downloaded from WhatsApp.",
    "kind:image": "photo",
    "kind:video": "video",
    "kind:audio": "voice note",
    "kind:document": "document",
    "kind:file": "file",
    statusUpdate: "Update on your report {reference} to {municipality}. Status: {status}.",
  },
  zu: {
    welcome: "Siyakwamukela ku-{municipality} ku-WhatsApp.",
    menu:
      "Ungathanda ukwenzani? Phendula ngenombolo:\n1. Bika inkinga\n2. Hlola umbiko\n3. Umbiko oyimfihlo (udlame olubhekiswe ebulilini)\n4. Qinisekisa indawo ohlala kuyo\n5. Ulimi: English, isiZulu, Afrikaans",
    help:
      'Thumela "imenyu" ukuze ubone okungenziwa, "khansela" ukuze uyeke okwenzayo, noma "isimo" nenombolo yereferensi ukuze uhlole umbiko, isibonelo: isimo {example}\nUsengozini? Shayela i-SAPS ku-10111.',
    expired: "Ingxoxo yakho yangaphambilini ibingasebenzi isikhathi esingaphezu kosuku, ngakho ivaliwe. Akukho okuthunyelwe kuyo.",
    cancelled: "Kumisiwe. Akukho okuthunyelwe.",
    nothingToCancel: "Akukho okungakhanselwa.",
    draftDiscarded: "Umbiko wakho ongakaqedwa ususiwe.",
    notUnderstood: "Uxolo, lokho akukho ohlwini. Phendula ngenombolo esohlwini.",
    categoryPrompt: "Iluhlobo luni lwenkinga? Phendula ngenombolo:\n{list}",
    descriptionPrompt: "Chaza inkinga ngamazwi akho (okungenani izinhlamvu eziyi-10).",
    descriptionTooShort: "Sicela uchaze inkinga ngezinhlamvu okungenani eziyi-10.",
    descriptionTooLong: "Sicela ufinyeze incazelo ibe yizinhlamvu eziyi-4000 noma ngaphansi.",
    locationPrompt:
      "Ikuphi inkinga? Thumela iphini lendawo (thinta i-paperclip noma uphawu lokuhlanganisa, bese uthi Location), noma ubhale ikheli noma uphawu lwendawo olwaziwayo.",
    locationInvalid: "Sicela ubhale ikheli noma uphawu lwendawo ngezinhlamvu ezi-3 kuya kwezingama-300, noma uthumele iphini lendawo.",
    evidencePrompt:
      'Thumela izithombe, amavidiyo, imilayezo yezwi noma amadokhumenti e-PDF enkinga, afike ku-{max}. Thumela "ngiqedile" uma usuqedile, noma "ngiqedile" manje uma ungathumeli lutho.',
    evidenceReceived: 'Kutholakale amafayela angu-{count} kwangu-{max}. Thumela amanye, noma "ngiqedile" uma usuqedile.',
    evidenceFull: "Usunamathisele amafayela angu-{max}, okuyinani eliphezulu umbiko ongaba nalo.",
    evidenceSkipped: "Amafayela angu-{max} kuphela angena embikweni, ngakho amanye angu-{count} awengezwanga.",
    evidenceTypeRejected:
      "Ifayela {position} ({type}) alengezwanga: thumela izithombe (JPEG, PNG noma WebP), amavidiyo e-MP4, imilayezo yezwi, umsindo we-MP3 noma amadokhumenti e-PDF.",
    evidenceHint: 'Thumela ifayela, noma "ngiqedile" uma usuqedile.',
    confirmPrompt:
      "Sicela uhlole umbiko wakho:\nUhlobo: {category}\nInkinga: {description}\nIndawo: {location}\nAmafayela: {files}\n\nPhendula ngo-1 ukuze uwuthumele noma ngo-2 ukuze ukhansele.",
    locationPin: "iphini ku-{latitude}, {longitude}",
    reportCreated:
      'Siyabonga. Umbiko wakho ubhalisiwe ngenombolo yereferensi {reference}. Thumela "isimo {reference}" noma nini ukuze uhlole ukuthi ukuphi.',
    statusPrompt: "Thumela inombolo yereferensi yombiko ofuna ukuwuhlola, isibonelo {example}.",
    recentReports: "Imibiko yakho yakamuva:\n{list}\nPhendula ngenombolo noma ngereferensi.",
    noReports: 'Awukabi nayo imibiko ku-{municipality}. Thumela "imenyu" bese ukhetha u-1 ukuze ubike inkinga.',
    statusLine: "Umbiko {reference}: {status}. Ubikwe ngo-{date}, wagcina ukubuyekezwa ngo-{updated}.",
    statusNotFound: "Awukho umbiko {reference} otholakele wale nombolo ye-WhatsApp. Hlola inombolo yereferensi bese uzama futhi.",
    "status:new": "Wamukelwe",
    "status:acknowledged": "Uqashelwe",
    "status:assigned": "Unikezwe ithimba",
    "status:in_progress": "Kuyasetshenzwa kuwo",
    "status:resolved": "Uxazululiwe",
    "status:closed": "Uvaliwe",
    "status:rejected": "Awamukelwanga",
    gbvEmergency:
      "Uma usengozini manje, shayela amaphoyisa (SAPS) ku-10111, noma i-GBV Command Centre ku-0800 428 428. Zombili ziphendula imini nobusuku, futhi ukushayela i-Command Centre kumahhala.",
    gbvIntro:
      'Lo mbiko uyimfihlo: uzofundwa kuphela yiphoyisa eliqeqeshiwe elixhumanisayo, futhi izimpendulo zethu ngeke ziphinde lokho okubhalayo. Uma omunye umuntu esebenzisa lolu cingo, susa le ngxoxo uma usuqedile.\n\nNgamazwi akho, kwenzekeni? Thumela "khansela" noma nini ukuze uyeke.',
    gbvUnavailable:
      "Imibiko eyimfihlo ayikwazi ukwamukelwa ku-WhatsApp okwamanje. Uma usengozini, shayela i-SAPS ku-10111 noma i-GBV Command Centre ku-0800 428 428.",
    gbvAccountTooShort: 'Sicela ubhale okungenani izinhlamvu eziyi-10 ngokwenzekile, noma uthumele "khansela" ukuze uyeke.',
    gbvTooLong: "Lo mlayezo mude kakhulu. Sicela uwufinyeze ube yizinhlamvu ezingu-{max}.",
    gbvWhenPrompt: 'Kwenzeke nini? Isibonelo: izolo ebusuku, noma zi-3 kuNhlaba. Thumela "yeqa" uma ungathandi ukusho.',
    gbvPlacePrompt: 'Kwenzekelephi? Bhala indawo noma uthumele iphini lendawo. Thumela "yeqa" uma ungathandi ukusho.',
    gbvContactMethodPrompt:
      "Iphoyisa lingaxhumana kanjani nawe ngokuphephile? Phendula ngenombolo:\n1. Ucingo\n2. I-SMS\n3. I-WhatsApp\n4. I-imeyili\n5. Ubuso nobuso\n6. Ningaxhumani nami",
    gbvContactDetailsPrompt:
      'Kuphephile nini futhi kanjani ukukuthola, isibonelo inombolo noma izikhathi okufanele zigwenywe? Thumela "yeqa" ukuze ungakubhali lokhu.',
    gbvConfirmPrompt: "Umbiko wakho oyimfihlo usulungile. Phendula ngo-1 ukuze uwuthumele noma ngo-2 ukuze uwulahle.",
    gbvCreated:
      "Umbiko wakho oyimfihlo wamukelwe. Inombolo yereferensi: {reference}. Iphoyisa lizokulandela ngendlela oyikhethile. Uma omunye umuntu esebenzisa lolu cingo, susa le ngxoxo manje.",
    gbvDiscarded: "Umbiko wakho oyimfihlo ulahliwe futhi akukho okuthunyelwe. Uma omunye umuntu esebenzisa lolu cingo, susa le ngxoxo.",
    gbvNoFiles:
      "Amafayela awakwazi ukwengezwa embikweni oyimfihlo ku-WhatsApp, ngakho leli fayela aligcinwanga. Iphoyisa lingahlela ukuthatha ubufakazi kuwe.",
    gbvSessionLost: "Umbiko wakho oyimfihlo awukwazanga ukuqhubeka, ngakho akukho okuthunyelwe. Sicela uqale kabusha kumenyu.",
    verifyVerified: "Indawo ohlala kuyo ku-{municipality} iqinisekisiwe.",
    verifyPending: "U-{municipality} usahlola ubufakazi bendawo ohlala kuyo.",
    verifyRejected: "Ubufakazi bendawo ohlala kuyo abamukelwanga.",
    verifyUnverified: "Indawo ohlala kuyo ayikaqinisekiswa.",
    verifyHow:
      "Ukuze ufakazele ukuthi uhlalaphi, ngena ku-{url} ngale nombolo ye-WhatsApp bese ulayisha i-akhawunti yakamuva yezintela noma yamanzi nogesi.",
    languagePrompt: "Khetha ulimi lwakho. Phendula ngenombolo:\n1. English\n2. isiZulu\n3. Afrikaans",
    languageSet: "Kusukela manje ngizophendula ngesiZulu.",
    staffNumber: "Le nombolo ingeye-akhawunti yabasebenzi bakamasipala, engakwazi ukubika ku-WhatsApp. Sebenzisa i-dashboard.",
    processingFailed:
      "Uxolo, kukhona okungahambanga kahle ngasohlangothini lwethu futhi umlayezo wakho awucutshungulwanga. Sicela uwuthumele futhi emizuzwini embalwa.",
    mediaFailed: "Ifayela {position} lombiko wakho ({kind}, elithunyelwe ngo-{sentAt}) alikwazanga ukugcinwa: {reason} Sicela ulithumele futhi.",
    mediaReasonType: "akusona isithombe, ividiyo, umlayezo wezwi noma idokhumenti ye-PDF.",
    mediaReasonSize: "likhulu kune-{max}.",
    mediaReasonUnavailable: "alikwazanga ukulandwa ku-WhatsApp.",
    "kind:image": "isithombe",
    "kind:video": "ividiyo",
    "kind:audio": "umlayezo wezwi",
    "kind:document": "idokhumenti",
    "kind:file": "ifayela",
    statusUpdate: "Isibuyekezo ngombiko wakho {reference} ku-{municipality}. Isimo: {status}.",
  },
  af: {
    welcome: "Welkom by {municipality} op WhatsApp.",
    menu:
      "Wat wil jy doen? Antwoord met 'n nommer:\n1. Rapporteer 'n probleem\n2. Gaan 'n verslag na\n3. Vertroulike verslag (geslagsgebaseerde geweld)\n4. Bevestig waar jy woon\n5. Taal: English, isiZulu, Afrikaans",
    help:
      'Stuur "kieslys" om die keuses te sien, "kanselleer" om op te hou met wat jy doen, of "status" en \'n verwysing om \'n verslag na te gaan, byvoorbeeld: status {example}\nIn gevaar? Bel SAPD by 10111.',
    expired: "Jou vorige gesprek was langer as 'n dag onaktief en is dus gesluit. Niks daarvan is gestuur nie.",
    cancelled: "Gestop. Niks is gestuur nie.",
    nothingToCancel: "Daar is niks om te kanselleer nie.",
    draftDiscarded: "Jou onvoltooide verslag is weggegooi.",
    notUnderstood: "Jammer, dit is nie een van die keuses nie. Antwoord met 'n nommer uit die lys.",
    categoryPrompt: "Watter soort probleem is dit? Antwoord met 'n nommer:\n{list}",
    descriptionPrompt: "Beskryf die probleem in jou eie woorde (minstens 10 karakters).",
    descriptionTooShort: "Beskryf asseblief die probleem in minstens 10 karakters.",
    descriptionTooLong: "Kort asseblief die beskrywing in tot 4000 karakters of minder.",
    locationPrompt:
      "Waar is die probleem? Deel 'n liggingspeld (tik op die skuifspeld of plusteken, dan Ligging), of tik die adres of 'n landmerk.",
    locationInvalid: "Tik asseblief die adres of 'n landmerk in 3 tot 300 karakters, of deel 'n liggingspeld.",
    evidencePrompt:
      'Stuur foto\'s, video\'s, stemnotas of PDF-dokumente van die probleem, tot {max}. Stuur "klaar" wanneer jy klaar is, of "klaar" nou om niks te stuur nie.',
    evidenceReceived: '{count} van {max} lêers ontvang. Stuur meer, of "klaar" wanneer jy klaar is.',
    evidenceFull: "Jy het {max} lêers aangeheg, die meeste wat 'n verslag kan hê.",
    evidenceSkipped: "Net {max} lêers pas op 'n verslag, dus is nog {count} nie bygevoeg nie.",
    evidenceTypeRejected:
      "Lêer {position} ({type}) is nie bygevoeg nie: stuur foto's (JPEG, PNG of WebP), MP4-video's, stemnotas, MP3-klank of PDF-dokumente.",
    evidenceHint: 'Stuur \'n lêer, of "klaar" wanneer jy klaar is.',
    confirmPrompt:
      "Gaan asseblief jou verslag na:\nSoort: {category}\nProbleem: {description}\nPlek: {location}\nLêers: {files}\n\nAntwoord 1 om dit te stuur of 2 om te kanselleer.",
    locationPin: "speld by {latitude}, {longitude}",
    reportCreated: 'Dankie. Jou verslag is aangeteken met verwysing {reference}. Stuur "status {reference}" enige tyd om dit na te gaan.',
    statusPrompt: "Stuur die verwysing van die verslag wat jy wil nagaan, byvoorbeeld {example}.",
    recentReports: "Jou onlangse verslae:\n{list}\nAntwoord met 'n nommer of 'n verwysing.",
    noReports: 'Jy het nog geen verslae by {municipality} nie. Stuur "kieslys" en kies 1 om \'n probleem te rapporteer.',
    statusLine: "Verslag {reference}: {status}. Gerapporteer op {date}, laas bygewerk op {updated}.",
    statusNotFound: "Geen verslag {reference} is vir hierdie WhatsApp-nommer gevind nie. Gaan die verwysing na en probeer weer.",
    "status:new": "Ontvang",
    "status:acknowledged": "Erken",
    "status:assigned": "Aan 'n span toegewys",
    "status:in_progress": "Word aan gewerk",
    "status:resolved": "Opgelos",
    "status:closed": "Gesluit",
    "status:rejected": "Nie aanvaar nie",
    gbvEmergency:
      "As jy nou in gevaar is, bel die polisie (SAPD) by 10111, of die GBV-bevelsentrum by 0800 428 428. Albei antwoord dag en nag, en die oproep na die bevelsentrum is gratis.",
    gbvIntro:
      'Hierdie verslag is vertroulik: net \'n opgeleide polisieskakelbeampte kan dit lees, en ons antwoorde sal nie herhaal wat jy skryf nie. As iemand anders hierdie foon gebruik, vee hierdie klets uit wanneer jy klaar is.\n\nVertel in jou eie woorde wat gebeur het. Stuur "kanselleer" enige tyd om op te hou.',
    gbvUnavailable:
      "Vertroulike verslae kan nie nou op WhatsApp ontvang word nie. As jy in gevaar is, bel SAPD by 10111 of die GBV-bevelsentrum by 0800 428 428.",
    gbvAccountTooShort: 'Skryf asseblief minstens 10 karakters oor wat gebeur het, of stuur "kanselleer" om op te hou.',
    gbvTooLong: "Daardie boodskap is te lank. Kort dit asseblief in tot {max} karakters.",
    gbvWhenPrompt: 'Wanneer het dit gebeur? Byvoorbeeld: gisteraand, of 3 Mei. Stuur "slaan oor" as jy verkies om nie te sê nie.',
    gbvPlacePrompt: 'Waar het dit gebeur? Tik \'n plek of deel \'n liggingspeld. Stuur "slaan oor" as jy verkies om nie te sê nie.',
    gbvContactMethodPrompt:
      "Hoe kan 'n beampte jou veilig kontak? Antwoord met 'n nommer:\n1. Telefoonoproep\n2. SMS\n3. WhatsApp\n4. E-pos\n5. Persoonlik\n6. Moenie my kontak nie",
    gbvContactDetailsPrompt:
      'Wanneer en hoe is dit veilig om jou te bereik, byvoorbeeld \'n nommer of tye om te vermy? Stuur "slaan oor" om dit uit te laat.',
    gbvConfirmPrompt: "Jou vertroulike verslag is gereed. Antwoord 1 om dit te stuur of 2 om dit weg te gooi.",
    gbvCreated:
      "Jou vertroulike verslag is ontvang. Verwysing: {reference}. 'n Beampte sal opvolg op die manier wat jy gekies het. As iemand anders hierdie foon gebruik, vee hierdie klets nou uit.",
    gbvDiscarded: "Jou vertroulike verslag is weggegooi en niks is gestuur nie. As iemand anders hierdie foon gebruik, vee hierdie klets uit.",
    gbvNoFiles:
      "Lêers kan nie op WhatsApp by 'n vertroulike verslag gevoeg word nie, dus is hierdie lêer nie gehou nie. Die beampte kan reël om bewyse by jou te kry.",
    gbvSessionLost: "Jou vertroulike verslag kon nie voortgaan nie, dus is niks gestuur nie. Begin asseblief weer by die kieslys.",
    verifyVerified: "Jou verblyf in {municipality} is bevestig.",
    verifyPending: "{municipality} gaan jou bewys van verblyf na.",
    verifyRejected: "Jou bewys van verblyf is nie aanvaar nie.",
    verifyUnverified: "Jou verblyf is nog nie bevestig nie.",
    verifyHow:
      "Om te bewys waar jy woon, meld aan by {url} met hierdie WhatsApp-nommer en laai 'n onlangse eiendomsbelasting- of munisipale rekening op.",
    languagePrompt: "Kies jou taal. Antwoord met 'n nommer:\n1. English\n2. isiZulu\n3. Afrikaans",
    languageSet: "Van nou af antwoord ek in Afrikaans.",
    staffNumber: "Hierdie nommer behoort aan 'n munisipale personeelrekening, wat nie op WhatsApp kan rapporteer nie. Gebruik eerder die kontrolepaneel.",
    processingFailed: "Jammer, iets het aan ons kant verkeerd geloop en jou boodskap is nie verwerk nie. Stuur dit asseblief oor 'n paar minute weer.",
    mediaFailed: "Lêer {position} van jou verslag ({kind}, gestuur om {sentAt}) kon nie gestoor word nie: {reason} Stuur dit asseblief weer.",
    mediaReasonType: "dit is nie 'n foto, video, stemnota of PDF-dokument nie.",
    mediaReasonSize: "dit is groter as {max}.",
    mediaReasonUnavailable: "dit kon nie van WhatsApp afgelaai word nie.",
    "kind:image": "foto",
    "kind:video": "video",
    "kind:audio": "stemnota",
    "kind:document": "dokument",
    "kind:file": "lêer",
    statusUpdate: "Nuus oor jou verslag {reference} by {municipality}. Status: {status}.",
  },
});

export type WhatsAppMessageKey = keyof typeof catalogue.en;
export type WhatsAppTranslator = ReturnType<typeof whatsappTranslator>;

/** The catalogue itself, for tests that compare replies with its texts. */
export const WHATSAPP_MESSAGES = catalogue;

const DATE_LOCALES: Record<Locale, string> = { en: "en-ZA", zu: "zu-ZA", af: "af-ZA" };

// Building an Intl.DateTimeFormat costs a fraction of a millisecond, so each locale's pair is made once.
const dateFormats = new Map<Locale, { date: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formatsFor(locale: Locale) {
  let formats = dateFormats.get(locale);
  if (!formats) {
    formats = {
      date: new Intl.DateTimeFormat(DATE_LOCALES[locale], { dateStyle: "medium", timeZone: "Africa/Johannesburg" }),
      time: new Intl.DateTimeFormat(DATE_LOCALES[locale], { timeStyle: "short", timeZone: "Africa/Johannesburg" }),
    };
    dateFormats.set(locale, formats);
  }
  return formats;
}

export function whatsappTranslator(locale: Locale) {
  const t = createTranslator(catalogue, locale);
  const formats = formatsFor(locale);
  return Object.assign(t, {
    locale,
    statusLabel(status: TicketStatus): string {
      return t(`status:${status}`);
    },
    kindLabel(kind: "image" | "video" | "audio" | "document" | "file"): string {
      return t(`kind:${kind}`);
    },
    /** Formats a date in South African time, such as "3 May 2026". */
    formatDate(date: Date): string {
      return formats.date.format(date);
    },
    /** Formats a time of day in South African time, such as "14:05". */
    formatTime(date: Date): string {
      return formats.time.format(date);
    },
  });
}
