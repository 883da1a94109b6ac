// South African municipalities whose names the reader recognises on a bill. The names and the forms
// in which bills print them come from general knowledge of the municipalities (the eight metros and
// some large local municipalities), not from an official list; a name missing here is still found
// by the generic pattern in extract-fields.ts, with lower confidence.

export interface Municipality {
  /** Canonical name, as the reader reports it. */
  name: string;
  /** Upper-case phrases that name this municipality on a bill. */
  phrases: string[];
  /**
   * Upper-case single words that name it and nothing else (never a town that other councils' bills
   * may print in an address); weaker evidence than a phrase.
   */
  words: string[];
}

export const MUNICIPALITIES: readonly Municipality[] = [
  {
    name: "City of Tshwane",
    phrases: ["CITY OF TSHWANE", "TSHWANE METROPOLITAN MUNICIPALITY", "STAD TSHWANE"],
    words: ["TSHWANE"],
  },
  {
    name: "City of Johannesburg",
    phrases: ["CITY OF JOHANNESBURG", "CITY OF JOBURG", "JOHANNESBURG METROPOLITAN MUNICIPALITY"],
    words: [],
  },
  {
    name: "City of Ekurhuleni",
    phrases: ["CITY OF EKURHULENI", "EKURHULENI METROPOLITAN MUNICIPALITY"],
    words: ["EKURHULENI"],
  },
  {
    name: "City of Cape Town",
    phrases: ["CITY OF CAPE TOWN", "STAD KAAPSTAD", "ISIXEKO SASEKAPA"],
    words: [],
  },
  {
    name: "eThekwini Municipality",
    phrases: ["ETHEKWINI MUNICIPALITY", "ETHEKWINI METROPOLITAN MUNICIPALITY"],
    words: ["ETHEKWINI"],
  },
  {
    name: "Nelson Mandela Bay Municipality",
    phrases: ["NELSON MANDELA BAY MUNICIPALITY", "NELSON MANDELA BAY METROPOLITAN MUNICIPALITY"],
    words: [],
  },
  {
    name: "Buffalo City Metropolitan Municipality",
    phrases: ["BUFFALO CITY METROPOLITAN MUNICIPALITY", "BUFFALO CITY MUNICIPALITY"],
    words: [],
  },
  {
    name: "Mangaung Metropolitan Municipality",
    phrases: ["MANGAUNG METROPOLITAN MUNICIPALITY", "MANGAUNG MUNICIPALITY"],
    words: ["MANGAUNG"],
  },
  {
    name: "Msunduzi Local Municipality",
    phrases: ["MSUNDUZI LOCAL MUNICIPALITY", "MSUNDUZI MUNICIPALITY", "UMSUNDUZI MUNICIPALITY"],
    words: ["MSUNDUZI"],
  },
  { name: "Polokwane Local Municipality", phrases: ["POLOKWANE LOCAL MUNICIPALITY", "POLOKWANE MUNICIPALITY"], words: [] },
  { name: "City of Mbombela", phrases: ["CITY OF MBOMBELA", "MBOMBELA LOCAL MUNICIPALITY"], words: ["MBOMBELA"] },
  { name: "Emfuleni Local Municipality", phrases: ["EMFULENI LOCAL MUNICIPALITY", "EMFULENI MUNICIPALITY"], words: ["EMFULENI"] },
  { name: "Mogale City Local Municipality", phrases: ["MOGALE CITY LOCAL MUNICIPALITY", "MOGALE CITY"], words: [] },
  { name: "Rustenburg Local Municipality", phrases: ["RUSTENBURG LOCAL MUNICIPALITY", "RUSTENBURG MUNICIPALITY"], words: [] },
  { name: "Stellenbosch Municipality", phrases: ["STELLENBOSCH MUNICIPALITY", "STELLENBOSCH LOCAL MUNICIPALITY"], words: [] },
  { name: "Drakenstein Municipality", phrases: ["DRAKENSTEIN MUNICIPALITY", "DRAKENSTEIN LOCAL MUNICIPALITY"], words: ["DRAKENSTEIN"] },
  { name: "George Municipality", phrases: ["GEORGE MUNICIPALITY", "GEORGE LOCAL MUNICIPALITY"], words: [] },
  { name: "Sol Plaatje Municipality", phrases: ["SOL PLAATJE MUNICIPALITY", "SOL PLAATJE LOCAL MUNICIPALITY"], words: [] },
  { name: "City of Matlosana", phrases: ["CITY OF MATLOSANA", "MATLOSANA LOCAL MUNICIPALITY"], words: ["MATLOSANA"] },
  { name: "City of uMhlathuze", phrases: ["CITY OF UMHLATHUZE", "UMHLATHUZE LOCAL MUNICIPALITY"], words: ["UMHLATHUZE"] },
  { name: "Newcastle Local Municipality", phrases: ["NEWCASTLE LOCAL MUNICIPALITY", "NEWCASTLE MUNICIPALITY"], words: [] },
  { name: "Madibeng Local Municipality", phrases: ["MADIBENG LOCAL MUNICIPALITY", "MADIBENG MUNICIPALITY"], words: ["MADIBENG"] },
  { name: "Steve Tshwete Local Municipality", phrases: ["STEVE TSHWETE LOCAL MUNICIPALITY", "STEVE TSHWETE MUNICIPALITY"], words: [] },
  { name: "Emalahleni Local Municipality", phrases: ["EMALAHLENI LOCAL MUNICIPALITY", "EMALAHLENI MUNICIPALITY"], words: [] },
  { name: "Matjhabeng Local Municipality", phrases: ["MATJHABENG LOCAL MUNICIPALITY", "MATJHABENG MUNICIPALITY"], words: ["MATJHABENG"] },
  { name: "Midvaal Local Municipality", phrases: ["MIDVAAL LOCAL MUNICIPALITY", "MIDVAAL MUNICIPALITY"], words: ["MIDVAAL"] },
];

/** Returns the known municipality whose canonical name, phrase or word equals `name`, ignoring case. */
export function findMunicipality(name: string): Municipality | null {
  const key = name.trim().toUpperCase().replace(/\s+/g, " ");
  return (
    MUNICIPALITIES.find(
      (municipality) =>
        municipality.name.toUpperCase() === key || municipality.phrases.includes(key) || municipality.words.includes(key),
    ) ?? null
  );
}
