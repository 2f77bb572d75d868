/**
 * How deep a request body nests, checked before it is parsed: `JSON.parse` of a 1 MB body of
 * nested arrays took 0.16 s of the one thread every merchant shares, and `POST /auth/token`
 * parses its body before anyone is authenticated.
 */

/**
 * The most objects and arrays a request body may nest: far above what any payload of the API
 * needs (a notification's data nests at most 32 levels inside its envelope).
 */
export const maxBodyDepth = 64

/** Whether the JSON `text` opens more than `max` objects and arrays inside one another. */
export const nestsDeeperThan = (text: string, max: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // a backslash escapes the next character, a quote included
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > max) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}
