/**
 * HTTP-date (RFC 9110 section 5.6.7): the three forms a recipient must accept, always in GMT.
 * `Date.parse` took much more (dates without a zone in the process's time zone, "Dec 2", "1 2").
 */

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const dayName = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
const dayNameLong = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
const month = `(?<month>${months.join("|")})`
const time = "(?<hour>\\d\\d):(?<minute>\\d\\d):(?<second>\\d\\d)"

/** "Sun, 06 Nov 1994 08:49:37 GMT" */
const imfFixdate = new RegExp(`^${dayName}, (?<day>\\d\\d) ${month} (?<year>\\d{4}) ${time} GMT$`)
/** "Sunday, 06-Nov-94 08:49:37 GMT" (obsolete) */
const rfc850Date = new RegExp(`^${dayNameLong}, (?<day>\\d\\d)-${month}-(?<year>\\d\\d) ${time} GMT$`)
/** "Sun Nov  6 08:49:37 1994" (obsolete, ANSI C's asctime) */
const asctimeDate = new RegExp(`^${dayName} ${month} (?<day>\\d\\d| \\d) ${time} (?<year>\\d{4})$`)

/**
 * The instant an HTTP-date names, in epoch milliseconds, or `undefined` when `text` is not one or
 * names no real time (31 Feb, 24:00:00). `now` places an rfc850-date's two-digit year. The day
 * name is not checked against the date: the grammar asks only for a day name.
 */
export const parseHttpDate = (text: string, now: number): number | undefined => {
  const groups = (imfFixdate.exec(text) ?? rfc850Date.exec(text) ?? asctimeDate.exec(text))?.groups
  if (groups === undefined) return undefined
  const monthIndex = months.indexOf(groups.month!)
  const day = Number(groups.day)
  const [hour, minute, second] = [Number(groups.hour), Number(groups.minute), Number(groups.second)]
  // 60 is a leap second; it is read as the first second of the next minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined
  // setUTCFullYear, unlike Date.UTC, reads years 0 to 99 as themselves.
  const midnight = (year: number) => new Date(0).setUTCFullYear(year, monthIndex, day)
  const at = (year: number) => midnight(year) + ((hour * 60 + minute) * 60 + second) * 1000
  let year = Number(groups.year)
  if (groups.year!.length === 2) {
    // RFC 9110: a date that appears to be more than 50 years in the future is in the most recent
    // past year with the same last two digits. So: the latest such year no more than 50 years ahead.
    const thisYear = new Date(now).getUTCFullYear()
    const latest = new Date(now).setUTCFullYear(thisYear + 50)
    year += Math.floor(thisYear / 100) * 100 + 100
    while (at(year) > latest) year -= 100
  }
  // A day past the month's end (31 Feb) or 00 rolls into another month: not a date.
  if (new Date(midnight(year)).getUTCDate() !== day) return undefined
  return at(year)
}
