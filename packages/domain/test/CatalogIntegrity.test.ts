/**
 * Invariants of the built-in catalog that neither the schema nor the compiler states: the mistakes
 * a maintainer can make when adding a PG by hand (contributor probe F1, F2, F12). Each check runs
 * over the raw array, so a duplicate cannot hide an entry, collects every broken entry, and names
 * the PG and what is wrong with it.
 */
import { describe, expect, it } from "@effect/vitest"
import { ChannelTerms, Credentials, PgCatalog } from "@paymux/domain"
import { builtInProviders } from "../src/internal/catalogData.ts"
import { shortestMatch } from "./fixtures/shortestMatch.ts"

// The raw entries differ from `PgProvider` only by the brands the decode adds.
const providers = builtInProviders as ReadonlyArray<PgCatalog.PgProvider>
const known = new Set<string>(ChannelTerms.knownPayMethods)
const list = (items: Iterable<string>) => [...items].join(", ") || "none"

describe("the built-in catalog's integrity", () => {
  it("holds each PG code once: a later entry with the same code would replace the earlier one", () => {
    const at = new Map<string, Array<number>>()
    providers.forEach((p, index) => at.set(p.code, [...(at.get(p.code) ?? []), index]))
    const duplicated = [...at].filter(([, indexes]) => indexes.length > 1)
    expect(
      duplicated.map(([code, indexes]) => `${code}: ${indexes.length} entries in builtInProviders (at ${indexes.join(", ")})`)
    ).toEqual([])
    expect(PgCatalog.builtIn.providers.size).toBe(providers.length)
  })

  it("lists each pay method once per payment type, each one a known pay_method value", () => {
    const problems: Array<string> = []
    for (const p of providers) {
      for (const type of PgCatalog.paymentTypesOf(p)) {
        const methods = PgCatalog.payMethodsOf(p, type)
        const repeated = methods.filter((m, index) => methods.indexOf(m) !== index)
        if (repeated.length > 0) problems.push(`${p.code} ${type}: ${list(new Set(repeated))} listed more than once`)
        const unknown = methods.filter((m) => !known.has(m))
        if (unknown.length > 0) {
          problems.push(`${p.code} ${type}: ${list(unknown)} not in ChannelTerms.knownPayMethods (a typo, or a new value to add there)`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it("gives shared test MIDs and untested types only for payment types and pay methods the PG offers", () => {
    const problems: Array<string> = []
    for (const p of providers) {
      if (p.test.kind !== "shared") continue
      const types = PgCatalog.paymentTypesOf(p)
      for (const m of p.test.mids) {
        if (!types.includes(m.paymentType)) {
          problems.push(
            `${p.code}: shared test MID ${m.mid} is for ${m.paymentType}, which ${p.code} does not offer (it offers ${list(types)})`
          )
          continue
        }
        if (m.payMethods === undefined) continue
        const served = PgCatalog.payMethodsOf(p, m.paymentType)
        const foreign = m.payMethods.filter((method) => !served.includes(method))
        if (m.payMethods.length === 0) {
          problems.push(`${p.code}: shared test MID ${m.mid} is limited to no pay method, so it is never chosen`)
        }
        if (foreign.length > 0) {
          problems.push(
            `${p.code}: shared test MID ${m.mid} is limited to ${list(foreign)}, which ${p.code} does not serve for ${m.paymentType} (it serves ${list(served)})`
          )
        }
      }
      for (const u of p.test.untested ?? []) {
        if (!types.includes(u.paymentType)) {
          problems.push(`${p.code}: untested ${u.paymentType} is a payment type ${p.code} does not offer (it offers ${list(types)})`)
        }
      }
    }
    expect(problems).toEqual([])
  })

  it("names each credential field once, and never as the MID field", () => {
    const problems: Array<string> = []
    for (const p of providers) {
      const names = p.credentialFields.map((f) => f.name)
      const repeated = names.filter((name, index) => names.indexOf(name) !== index)
      if (repeated.length > 0) problems.push(`${p.code}: credential field ${list(new Set(repeated))} defined more than once`)
      if (names.includes(p.mid.name)) problems.push(`${p.code}: credential field ${p.mid.name} has the MID field's name`)
    }
    expect(problems).toEqual([])
  })

  // Built from the pattern, not generated: fast-check's filter spins for ever on such a field.
  it("gives each credential field a pattern that compiles and admits a value within its maximum length", () => {
    const problems: Array<string> = []
    for (const p of providers) {
      for (const f of p.credentialFields) {
        if (f.pattern === undefined) continue
        const where = `${p.code}.${f.name}: pattern /${f.pattern}/`
        let regex: RegExp
        try {
          regex = new RegExp(f.pattern)
        } catch (error) {
          problems.push(`${where} does not compile (${(error as Error).message})`)
          continue
        }
        const shortest = shortestMatch(f.pattern)
        const max = f.maxLength ?? Credentials.maxValueLength
        if (shortest === undefined || !regex.test(shortest)) {
          problems.push(`${where}: no value could be built from it (simplify it, or teach test/fixtures/shortestMatch.ts its syntax)`)
        } else if (shortest.length > max) {
          problems.push(`${where} admits nothing within maxLength ${max}: its shortest value has ${shortest.length} characters`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})

describe("shortestMatch (the witness the pattern check builds)", () => {
  it("builds the shortest value for the syntax credential patterns use", () => {
    expect(shortestMatch("^.{12}$")).toBe("aaaaaaaaaaaa")
    expect(shortestMatch("^[A-Za-z0-9_-]{1,40}$")).toBe("a")
    expect(shortestMatch("^(JPPG|SBPS)$")).toBe("JPPG")
    expect(shortestMatch("^[A-Z]{4}$")).toBe("AAAA")
    expect(shortestMatch("^(?:ab|c)+\\d*x?$")).toBe("c")
    expect(shortestMatch("^[^a-z\\s]{2}\\.$")).toBe("AA.")
  })

  it("gives up on syntax it does not know and on classes nothing printable falls in", () => {
    expect(shortestMatch("^(?=a)a$")).toBeUndefined()
    expect(shortestMatch("^(a)\\1$")).toBeUndefined()
    expect(shortestMatch("^[^\\s\\S]$")).toBeUndefined()
  })
})
