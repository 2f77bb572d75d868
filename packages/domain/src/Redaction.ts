/**
 * Masking the secrets a message would otherwise show, such as the password or token in a URL it
 * quotes (`https://user:***@host/`). One rule for every message Paymux writes (error values,
 * causes, CLI output), reading user info the way the WHATWG URL parser (`new URL`) does, so no
 * spelling it accepts slips through.
 *
 * @since 0.1.0
 */

// Schemes that `new URL` reads user info from after any mix of "/" and "\" (none included).
// "file" is special too but has no user info.
const specialSchemes = new Set(["http", "https", "ws", "wss", "ftp"])

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const isSchemeChar = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46
/** Tab, LF and CR, which `new URL` drops wherever they are. */
const isDropped = (c: number): boolean => c === 9 || c === 10 || c === 13
const whitespace = /\s/

interface Authority {
  /** Index of the first terminator at or after the last scanned start (text length when none). */
  end: number
  /** Index of the last "@" between that start and `end`, -1 when none. */
  lastAt: number
}

/** Where the authority begins after a scheme's colon, or -1 when the URL has none. */
const authorityStart = (text: string, afterColon: number, isSpecial: boolean): number => {
  let i = afterColon
  if (isSpecial) {
    while (text.charCodeAt(i) === 47 || text.charCodeAt(i) === 92 || isDropped(text.charCodeAt(i))) i++
    return i
  }
  for (let slashes = 0; slashes < 2; slashes++, i++) {
    while (isDropped(text.charCodeAt(i))) i++
    if (text.charCodeAt(i) !== 47) return -1
  }
  return i
}

/** Characters that end a URL in running text: whitespace, quotes and angle brackets. */
const textDelimiter = /[\s"<>`]/

/**
 * The part of the user info `text[start, at)` left in clear: the user name and its ":" when a
 * password follows. Nothing when the name comes alone, or holds "@" or whitespace (it may then
 * run on from earlier text, and a token in it would show).
 */
const shownUser = (text: string, start: number, at: number): string => {
  for (let k = start; k < at; k++) {
    const c = text.charCodeAt(k)
    if (c === 58) {
      let j = k + 1
      while (isDropped(text.charCodeAt(j))) j++
      if (text.charCodeAt(j) !== 64) return text.slice(start, k + 1)
      // An empty password makes the name a token alone (`token:@host`), also when text follows a
      // URL with no path (`token:@host and a:b@c`); a password that starts with "@" has no delimiter.
      return j === at || textDelimiter.test(text.slice(j, at)) ? "" : text.slice(start, k + 1)
    }
    if (c === 64 || whitespace.test(text[k]!)) return ""
  }
  return ""
}

/**
 * Masks the user info of every URL in `text`: `user:password@` becomes `user:***@`, and a user
 * name alone (often an access token), or one with an empty password, becomes `***@`. It covers
 * any scheme written with `//`, and `http`, `https`, `ws`, `wss` and `ftp` (any case) followed
 * by any mix of `/` and `\`, none included (`https:user:pw@host`), and a `//` whose scheme lost
 * its colon (`https//user:pw@host`) or that has none, outside a path (text after such a `//` up
 * to an `@` is masked even when it was not meant as a URL). As in WHATWG, the last `@`
 * of the authority (before `/`, `?`, `#`, and `\` for those schemes) ends the user info, so a
 * password may contain `@`. Other text, `mailto:` addresses included, is returned as it is.
 * Runs in linear time.
 *
 * @since 0.1.0
 * @category formatting
 */
export const maskUrlUserInfo = (text: string): string => {
  if (!text.includes("@")) return text
  const length = text.length
  // One scan per terminator set: authority starts only move forward, so each scan is reused
  // while the next start lies before its end, keeping the whole pass linear.
  const plain: Authority = { end: -1, lastAt: -1 }
  const special: Authority = { end: -1, lastAt: -1 }
  const lastAtFrom = (start: number, isSpecial: boolean): number => {
    const scan = isSpecial ? special : plain
    if (start > scan.end) {
      // Whitespace does not end the user info (WHATWG encodes spaces, drops tabs and newlines): a URL with no path may mask words up to a later "@".
      let k = start
      scan.lastAt = -1
      for (; k < length; k++) {
        const c = text.charCodeAt(k)
        if (c === 47 || c === 63 || c === 35 || (isSpecial && c === 92)) break
        if (c === 64) scan.lastAt = k
      }
      scan.end = k
    }
    return scan.lastAt >= start ? scan.lastAt : -1
  }

  let out = ""
  let copied = 0
  let lastStart = -1
  /** Masks the user info of an authority starting at `start`, if it has one; returns where to look on. */
  const maskFrom = (start: number, isSpecial: boolean, next: number): number => {
    // Starts only move forward (see lastAtFrom); one already passed was masked or had no "@".
    if (start <= lastStart) return next
    lastStart = start
    const at = lastAtFrom(start, isSpecial)
    if (at <= start) return next
    out += text.slice(copied, start) + shownUser(text, start, at) + "***"
    copied = at
    return at + 1
  }
  let bare = bareAuthority(text, 0)
  let colon = text.indexOf(":")
  while (colon !== -1) {
    // A "//" before this colon that no colon precedes starts an authority too.
    while (bare !== -1 && bare < colon) bare = bareAuthority(text, maskFrom(bare + 2, false, bare + 2))
    // A colon inside the user info just masked is part of it, not a scheme's.
    if (colon < copied) {
      colon = text.indexOf(":", copied)
      continue
    }
    let next = colon + 1
    // The scheme: the scheme characters before the colon, from the first letter.
    let schemeStart = colon
    while (schemeStart > 0 && isSchemeChar(text.charCodeAt(schemeStart - 1))) schemeStart--
    while (schemeStart < colon && !isLetter(text.charCodeAt(schemeStart))) schemeStart++
    if (schemeStart < colon) {
      const isSpecial = colon - schemeStart <= 5 && specialSchemes.has(text.slice(schemeStart, colon).toLowerCase())
      const start = authorityStart(text, colon + 1, isSpecial)
      if (start !== -1) next = maskFrom(start, isSpecial, next)
    }
    colon = text.indexOf(":", next)
    if (bare !== -1 && bare < next) bare = bareAuthority(text, next)
  }
  while (bare !== -1) bare = bareAuthority(text, maskFrom(bare + 2, false, bare + 2))
  return copied === 0 ? text : out + text.slice(copied)
}

/**
 * The next "//" at or after `from` that can begin an authority, or -1: where a URL whose scheme
 * lost its colon (`https//user:pw@host`, `url=https//…`) or has none (`//user:pw@host`) begins it.
 * `new URL` reads no user info there, but the text is meant as a URL all the same, and masking
 * more than needed is safe. Not one: a "//" right after a scheme's ":" (read above), and one in a
 * path, after a "/" or "\\" and a word (`https://host//path@x`).
 */
const bareAuthority = (text: string, from: number): number => {
  let i = text.indexOf("//", from)
  while (i !== -1) {
    let word = i
    while (word > 0 && isSchemeChar(text.charCodeAt(word - 1))) word--
    const before = text.charCodeAt(word - 1)
    if (before !== 47 && before !== 92 && !(word === i && before === 58)) return i
    i = text.indexOf("//", i + 2)
  }
  return -1
}
