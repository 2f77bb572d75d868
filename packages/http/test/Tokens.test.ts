import { describe, expect, it } from "vitest"
import { Tokens } from "../src/index.ts"

const key = { keyId: "ak_1", merchant: "imp00000001", secretHash: "a".repeat(64) }

describe("Tokens", () => {
  it("lasts 30 minutes and is the same when asked again", () => {
    const tokens = Tokens.make()
    const a = tokens.issue(key, 0)
    expect(a.expiresAt).toBe(30 * 60_000)
    expect(tokens.issue(key, 10 * 60_000).token).toBe(a.token)
    expect(tokens.issue(key, 10 * 60_000).expiresAt).toBe(30 * 60_000)
  })

  it("extends by 5 minutes when asked with under a minute left", () => {
    const tokens = Tokens.make()
    const a = tokens.issue(key, 0)
    const b = tokens.issue(key, 29 * 60_000 + 30_000)
    expect(b.token).toBe(a.token)
    expect(b.expiresAt).toBe(35 * 60_000)
  })

  it("expires, and a new token follows", () => {
    const tokens = Tokens.make()
    const a = tokens.issue(key, 0)
    expect(tokens.lookup(a.token, 30 * 60_000)).toBeUndefined()
    expect(tokens.issue(key, 30 * 60_000).token).not.toBe(a.token)
  })

  it("drops expired tokens of other keys when issuing, so the table does not keep them", () => {
    const tokens = Tokens.make()
    tokens.issue(key, 0)
    // Past the first token's expiry and past the once-a-minute sweep interval.
    tokens.issue({ ...key, keyId: "ak_2" }, Tokens.lifetimeMillis + 60_001)
    expect(tokens.size()).toBe(1)
  })

  // Regression (security re-probe): a key expiring in 8 s got a token that said 30 minutes (the
  // key's expiry refused it after 8 s all the same).
  it("never outlives its key, nor does its extension", () => {
    const tokens = Tokens.make()
    const short = { ...key, expiresAt: 8_000 }
    expect(tokens.issue(short, 0).expiresAt).toBe(8_000)
    const lasting = { ...key, keyId: "ak_2", expiresAt: 31 * 60_000 }
    const a = tokens.issue(lasting, 0)
    expect(a.expiresAt).toBe(30 * 60_000)
    expect(tokens.issue(lasting, 29 * 60_000 + 30_000).expiresAt).toBe(31 * 60_000)
  })

  it("is replaced when the key's secret changed", () => {
    const tokens = Tokens.make()
    const a = tokens.issue(key, 0)
    const b = tokens.issue({ ...key, secretHash: "b".repeat(64) }, 1)
    expect(b.token).not.toBe(a.token)
    expect(tokens.lookup(a.token, 2)).toBeUndefined()
  })
})
