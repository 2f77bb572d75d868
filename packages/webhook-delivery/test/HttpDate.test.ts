import { afterEach, describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { parseHttpDate } from "../src/internal/httpDate.ts"

// Time probe, finding 6: `Date.parse` read a date without a zone in the process's time zone and took
// forms HTTP does not have. The oracle here is Date's own UTC getters and `toUTCString`, and the
// forms are written out by hand from RFC 9110 section 5.6.7.

const timeZones = ["UTC", "Asia/Seoul", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
const originalTimeZone = process.env.TZ
afterEach(() => {
  if (originalTimeZone === undefined) delete process.env.TZ
  else process.env.TZ = originalTimeZone
})

/** Node reads TZ again when it is set; the offset check proves the zone took effect. */
const useTimeZone = (tz: string) => {
  process.env.TZ = tz
  if (tz === "Asia/Seoul") expect(new Date(0).getTimezoneOffset()).toBe(-540)
}

const dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
const longDayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const two = (n: number) => String(n).padStart(2, "0")
const clock = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
const year4 = (d: Date) => String(d.getUTCFullYear()).padStart(4, "0")

const rfc850 = (d: Date) =>
  `${longDayNames[d.getUTCDay()]}, ${two(d.getUTCDate())}-${monthNames[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${clock(d)} GMT`
const asctime = (d: Date, zeroPadded: boolean) =>
  `${dayNames[d.getUTCDay()]} ${monthNames[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, zeroPadded ? "0" : " ")} ${clock(d)} ${year4(d)}`

/** Every instant an HTTP-date's four-digit year can name. */
const instant = fc.date({ min: new Date("0000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true })
const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000
const anyNow = fc.integer({ min: 0, max: Date.parse("2200-01-01T00:00:00Z") })
const year = 365.2425 * 24 * 60 * 60 * 1000

describe("HTTP-date", () => {
  it("reads the three forms of RFC 9110's example as the same instant", () => {
    const now = Date.parse("2026-12-01T00:00:00Z")
    const expected = Date.parse("1994-11-06T08:49:37Z")
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(expected)
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(expected)
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994", now)).toBe(expected)
    expect(parseHttpDate("Sun Nov 06 08:49:37 1994", now)).toBe(expected)
  })

  test.prop([instant, anyNow, fc.constantFrom(...timeZones)])("IMF-fixdate: toUTCString reads back to the second", (d, now, tz) => {
    useTimeZone(tz)
    expect(parseHttpDate(d.toUTCString(), now)).toBe(seconds(d))
  })

  test.prop([instant, anyNow, fc.boolean(), fc.constantFrom(...timeZones)])(
    "asctime-date reads back to the second, its day padded with a space or a zero",
    (d, now, zeroPadded, tz) => {
      useTimeZone(tz)
      expect(parseHttpDate(asctime(d, zeroPadded), now)).toBe(seconds(d))
    }
  )

  // Within 49 years of now either way, the year is not in doubt whatever the boundary's exact reading.
  test.prop([anyNow, fc.double({ min: -49 * year, max: 49 * year, noNaN: true }), fc.constantFrom(...timeZones)])(
    "rfc850-date reads back to the second when it is within 49 years of now",
    (now, offset, tz) => {
      useTimeZone(tz)
      const d = new Date(Math.round(now + offset))
      expect(parseHttpDate(rfc850(d), now)).toBe(seconds(d))
    }
  )

  it("rfc850-date: a date more than 50 years ahead is the most recent past year with those digits", () => {
    const now = Date.parse("2026-12-01T00:00:00Z")
    expect(parseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", now)).toBe(Date.parse("2076-01-01T00:00:00Z"))
    expect(parseHttpDate("Tuesday, 01-Dec-76 00:00:00 GMT", now)).toBe(Date.parse("2076-12-01T00:00:00Z"))
    expect(parseHttpDate("Wednesday, 01-Dec-76 00:00:01 GMT", now)).toBe(Date.parse("1976-12-01T00:00:01Z"))
    expect(parseHttpDate("Friday, 31-Dec-99 23:59:59 GMT", now)).toBe(Date.parse("1999-12-31T23:59:59Z"))
    expect(parseHttpDate("Friday, 01-Jan-27 00:00:00 GMT", now)).toBe(Date.parse("2027-01-01T00:00:00Z"))
    // Late in a century, a small two-digit year is in the next one (less than 50 years ahead).
    expect(parseHttpDate("Thursday, 01-Jan-05 00:00:00 GMT", Date.parse("2090-06-01T00:00:00Z"))).toBe(Date.parse("2105-01-01T00:00:00Z"))
  })

  // An oracle for the calendar apart from Date: the month lengths and the Gregorian leap rule.
  test.prop([fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 99 })])(
    "a day that does not exist in its month is not a date",
    (y, m, day) => {
      const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
      const length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m]!
      const text = `Mon, ${two(day)} ${monthNames[m]} ${String(y).padStart(4, "0")} 12:00:00 GMT`
      expect(parseHttpDate(text, 0) !== undefined).toBe(day >= 1 && day <= length)
    }
  )

  it("refuses a time of day that does not exist; 60 is a leap second", () => {
    expect(parseHttpDate("Tue, 01 Dec 2026 24:00:00 GMT", 0)).toBeUndefined()
    expect(parseHttpDate("Tue, 01 Dec 2026 23:60:00 GMT", 0)).toBeUndefined()
    expect(parseHttpDate("Tue, 01 Dec 2026 23:59:61 GMT", 0)).toBeUndefined()
    expect(parseHttpDate("Thu, 31 Dec 2026 23:59:60 GMT", 0)).toBe(Date.parse("2027-01-01T00:00:00Z"))
  })

  // The shortest HTTP-date (asctime) has 24 characters: nothing shorter is one. Half the strings are
  // drawn from characters dates are made of, which Date.parse often took ("1 2", "Dec 2").
  const dateCharacter = fc.constantFrom(..."0123456789 :-,./+GMTZDecNovSunMon")
  const short = fc.oneof(fc.string({ maxLength: 23 }), fc.string({ unit: dateCharacter, maxLength: 23 }))
  test.prop([short, anyNow, fc.constantFrom(...timeZones)])(
    "a string shorter than any HTTP-date never parses, in any time zone",
    (text, now, tz) => {
      useTimeZone(tz)
      expect(parseHttpDate(text, now)).toBeUndefined()
    }
  )

  // Near misses: the same instant written in forms that are not HTTP-dates (no zone, another zone,
  // other case, other spacing, other layouts), which Date.parse took, some in the local time zone.
  const notHttpDates = (d: Date): ReadonlyArray<string> => {
    const imf = d.toUTCString()
    return [
      imf.slice(0, -4),
      imf.replace("GMT", "UTC"),
      imf.replace("GMT", "+0000"),
      imf.toLowerCase(),
      imf.toUpperCase(),
      imf.replace(" ", "  "),
      imf.slice(5),
      `${imf} `,
      rfc850(d).slice(0, -4),
      rfc850(d).replace(/-(\d\d) /, `-${year4(d)} `),
      `${asctime(d, false)} GMT`,
      d.toISOString(),
      d.toISOString().slice(0, 19),
      d.toString(),
      d.toDateString(),
      `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${year4(d)} ${clock(d).slice(0, 5)}`,
      `${monthNames[d.getUTCMonth()]} ${d.getUTCDate()}`
    ]
  }
  test.prop([instant, anyNow, fc.constantFrom(...timeZones)])("near misses never parse, in any time zone", (d, now, tz) => {
    useTimeZone(tz)
    for (const text of notHttpDates(d)) expect([text, parseHttpDate(text, now)]).toEqual([text, undefined])
  })
})
