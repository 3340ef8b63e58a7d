/**
 * Release dates glued to version strings. HPE prints them after the number: System ROM
 * "U30 v2.90 (07/20/2023)" (or "P89 2.30 09/13/2016" from older tools) and iLO 5
 * "2.96 Aug 17 2023". A date is never part of the order: HPE re-dates rebuilt ROMs, and a later
 * date on an older family line says nothing about which image is newer.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** "(mm/dd/yyyy)", "mm/dd/yyyy", "aug 17 2023", "august 17, 2023" or "yyyy-mm-dd", optionally in parentheses, at the end after a space. */
const TRAILING_DATE =
  /^(.+?) \(?(?:(\d{1,2})\/(\d{1,2})\/(\d{4})|([a-z]{3})[a-z]* (\d{1,2}),? (\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))\)?$/u;

/** A version text with its trailing release date split off. */
export interface SplitDate {
  /** The text before the date. */
  core: string;
  /** ISO yyyy-mm-dd, or undefined when the text ends in no date. */
  date: string | undefined;
}

/** Splits a trailing release date off a normalized version text; an invalid date (month 13) is left in place. */
export function splitTrailingDate(text: string): SplitDate {
  const m = TRAILING_DATE.exec(text);
  if (!m) return { core: text, date: undefined };
  const [, core = text, usMonth, usDay, usYear, monthName, namedDay, namedYear, isoYear, isoMonth, isoDay] =
    m;
  let date: string | undefined;
  if (usYear !== undefined) date = isoDate(usYear, Number(usMonth), Number(usDay));
  else if (namedYear !== undefined)
    date = isoDate(namedYear, MONTHS.indexOf(monthName ?? '') + 1, Number(namedDay));
  else if (isoYear !== undefined) date = isoDate(isoYear, Number(isoMonth), Number(isoDay));
  return date === undefined ? { core: text, date: undefined } : { core, date };
}

function isoDate(year: string, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
