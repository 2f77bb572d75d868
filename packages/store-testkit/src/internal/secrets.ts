/**
 * Secrets at rest: the raw storage holds no credential or webhook-secret plaintext, and API
 * secrets only as keyed hashes.
 */
import { randomBytes } from "node:crypto"
import { KeyProvider, Repositories, SecretHasher, StoreError } from "@paymux/store"
import { Cause, Context, Effect, Exit, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"

const m = F.merchantCode(1)

/**
 * The runs of `raw` that look like base64 (standard or URL-safe) or hex, decoded: a secret stored
 * merely encoded is as readable as one in clear (mutation probe 2026-12: a store that kept webhook
 * secrets as base64 JSON passed). Each base64 run is decoded from each of its first four offsets,
 * so an encoded value that shares a run with a prefix is found too.
 */
const decodedRuns = (raw: string): string => {
  const out: Array<string> = []
  for (const [run] of raw.matchAll(/[A-Za-z0-9+/_-]{16,}/g)) {
    for (let offset = 0; offset < 4; offset++) out.push(Buffer.from(run.slice(offset), "base64").toString("latin1"))
  }
  for (const [run] of raw.matchAll(/[0-9A-Fa-f]{16,}/g)) {
    for (const offset of [0, 1]) out.push(Buffer.from(run.slice(offset), "hex").toString("latin1"))
  }
  return out.join("\n")
}

export const secrets = (h: Harness): void =>
  void describe("secrets at rest", () => {
    const dump = h.capabilities.rawDump
    if (dump === undefined) {
      notDeclared("rawDump", "the raw storage cannot be read, so secrets at rest are NOT checked")
      return
    }
    it(
      "[rawDump] no credential or webhook-secret plaintext, in clear or merely base64- or hex-encoded; API secrets only as keyed hashes",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const canary = (what: string) => `${what}-${crypto.randomUUID()}`
            const siteKey = canary("site-key")
            const cancelPassword = canary("cancel-pw")
            const channels = yield* Repositories.ChannelRepository
            const channel = yield* channels.create(
              F.channel(m, F.channelKey(1), {
                credentials: { site_key: Redacted.make(siteKey), cancel_password: Redacted.make(cancelPassword) }
              })
            )
            const edited = yield* channels.update({
              ...channel,
              credentials: { ...channel.credentials, site_key: Redacted.make(`${siteKey}-v2`) }
            })
            const webhookSecret = `whsec_${Buffer.from(canary("webhook")).toString("base64")}`
            yield* (yield* Repositories.WebhookSettingsRepository).putSecrets(m, "live", [Redacted.make(webhookSecret)])
            const issued = yield* SecretHasher.issue
            const apiSecret = Redacted.value(issued.secret)
            yield* (yield* Repositories.ApiKeyRepository).create(F.apiKey(m, F.apiKeyId(1), issued.hash))

            const raw = yield* dump
            expect(raw.length).toBeGreaterThan(0)
            const decoded = decodedRuns(raw)
            for (const plaintext of [
              siteKey,
              `${siteKey}-v2`,
              cancelPassword,
              webhookSecret,
              webhookSecret.slice(6),
              apiSecret,
              apiSecret.slice(3)
            ]) {
              expect(raw.includes(plaintext), "a secret was found in clear in the raw storage").toBe(false)
              expect(decoded.includes(plaintext), "a secret was found base64- or hex-encoded in the raw storage").toBe(false)
            }
            // The webhook secret's own payload (what its base64 encodes), in any of those forms.
            const webhookPayload = Buffer.from(webhookSecret.slice(6), "base64").toString("latin1")
            expect(raw.includes(webhookPayload) || decoded.includes(webhookPayload), "a webhook secret's payload in the raw storage").toBe(
              false
            )
            expect(raw).toContain(issued.hash)
            // The stored hash is the keyed hash of the secret under the adapter's pepper.
            const stored = yield* (yield* Repositories.ApiKeyRepository).get(F.apiKeyId(1))
            expect(yield* SecretHasher.verify(issued.secret, stored.secretHash)).toBe(true)
            const pepper = yield* (yield* KeyProvider.KeyProvider).pepper
            expect(stored.secretHash).toBe(SecretHasher.hashWith(Redacted.value(pepper), apiSecret))
            // ...and the sealed values still open.
            const back = yield* channels.credentials(m, channel.key)
            expect(Redacted.value(back["site_key"]!)).toBe(`${siteKey}-v2`)
            expect(Redacted.value(back["cancel_password"]!)).toBe(cancelPassword)
            expect((yield* channels.get(m, channel.key)).version).toBe(edited.version)
            const secretsBack = yield* (yield* Repositories.WebhookSettingsRepository).getSecrets(m, "live")
            expect(secretsBack.map(Redacted.value)).toEqual([webhookSecret])
          })
        ),
      h.timeout
    )
  })

const reasonOf = (exit: Exit.Exit<unknown, unknown>): { readonly _tag?: string; readonly [k: string]: unknown } | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = exit.cause.reasons.find(Cause.isFailReason)
  return (failure?.error as { reason?: { _tag: string } } | undefined)?.reason
}

/** A provider that has no keys at all (as a CLI without its key file). */
const keyless: KeyProvider.KeyProvider["Service"] = KeyProvider.KeyProvider.of({
  current: Effect.fail(StoreError.misconfigured("master keys", "none configured")),
  byId: () => Effect.fail(StoreError.misconfigured("master keys", "none configured")),
  pepper: Effect.fail(StoreError.misconfigured("pepper", "none configured"))
})

export const keys = (h: Harness): void =>
  void describe("the keys that sealed the store", () => {
    const reopen = h.capabilities.reopen
    if (reopen === undefined) {
      notDeclared("reopen", "the store cannot be opened a second time, so key fingerprints and lazy credential reads are NOT checked")
      return
    }
    it(
      "[reopen] other or missing keys are refused with KeyMismatch naming the expected key, and nothing is written",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))
            const own = yield* KeyProvider.KeyProvider
            const current = yield* own.current
            const pepper = yield* own.pepper
            const before = h.capabilities.rawDump === undefined ? undefined : yield* h.capabilities.rawDump
            const stranger = yield* KeyProvider.make({ keys: [{ id: "stranger-1", key: randomBytes(32) }], pepper: randomBytes(32) })
            // With the pepper right, only the master keys can tell (a mutant that skipped that check passed).
            const strangerSamePepper = yield* KeyProvider.make({ keys: [{ id: "stranger-2", key: randomBytes(32) }], pepper })
            const sameIdOtherKey = yield* KeyProvider.make({ keys: [{ id: current.id, key: randomBytes(32) }], pepper })
            const otherPepper = yield* KeyProvider.make({ keys: [{ id: current.id, key: current.key }], pepper: randomBytes(32) })
            for (const [what, provider] of [
              ["other keys", stranger],
              ["other keys, same pepper", strangerSamePepper],
              ["no keys", keyless],
              ["same id, other key", sameIdOtherKey],
              ["other pepper", otherPepper]
            ] as const) {
              const exit = yield* Effect.exit(Effect.scoped(reopen(provider)))
              const reason = reasonOf(exit)
              expect(reason?._tag, what).toBe("KeyMismatch")
              expect(reason?.["keyId"], what).toBe(current.id)
              expect(reason?.["fingerprint"], what).toBe(KeyProvider.fingerprint(current))
              const message = Exit.isFailure(exit) ? String(Cause.squash(exit.cause)) : ""
              for (const secret of [current.key, pepper]) {
                const bytes = Buffer.from(Redacted.value(secret))
                for (const encoding of ["base64", "base64url", "hex"] as const) {
                  expect(message.includes(bytes.toString(encoding)), `${what}: key material in the error`).toBe(false)
                }
              }
            }
            if (before !== undefined) expect(yield* h.capabilities.rawDump!, "a refused open wrote to the store").toBe(before)
            // The right keys still open it, and its secrets.
            const again = yield* Effect.scoped(reopen(own))
            const opened = yield* Context.get(again, Repositories.ChannelRepository).credentials(m, F.channelKey(1))
            expect(Object.keys(opened)).toEqual(Object.keys(F.channel(m, F.channelKey(1)).credentials))
          })
        ),
      h.timeout
    )

    it(
      "[reopen] reads never open credentials: with keys that open nothing, get and the lists work and only credentials fails (Corrupt)",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const channels = yield* Repositories.ChannelRepository
            yield* channels.create(F.channel(m, F.channelKey(1)))
            yield* channels.create(F.channel(m, F.channelKey(2)))
            yield* (yield* Repositories.SubMerchantRepository).create(F.subMerchant(m, "001", [F.channelKey(1)]))
            const own = yield* KeyProvider.KeyProvider
            // Once armed, every key lookup answers the right id with wrong bytes: any decryption fails.
            let armed = false
            const wrongBytes: KeyProvider.KeyProvider["Service"] = KeyProvider.KeyProvider.of({
              current: own.current,
              byId: (id) => (armed ? Effect.succeed({ id, key: Redacted.make(new Uint8Array(32)) }) : own.byId(id)),
              pepper: own.pepper
            })
            const store = yield* Effect.scoped(reopen(wrongBytes))
            armed = true
            const repo = Context.get(store, Repositories.ChannelRepository)
            const listed = yield* repo.list(m)
            expect(listed.map((c) => [c.key, c.readable, Object.keys(c.credentials).length])).toEqual([
              [F.channelKey(1), true, 0],
              [F.channelKey(2), true, 0]
            ])
            expect((yield* repo.list(m, { mode: "test" })).length).toBe(2)
            expect((yield* repo.listForTier(m, F.tier("001"))).map((c) => c.key)).toEqual([F.channelKey(1)])
            expect((yield* repo.get(m, F.channelKey(2))).readable).toBe(true)
            yield* F.expectStoreError(repo.credentials(m, F.channelKey(1)), "Corrupt", "ChannelRepository.credentials")
          })
        ),
      h.timeout
    )

    it(
      "[reopen] a channel sealed with a key the store no longer has is listed and marked unreadable; the others read fine",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            yield* (yield* Repositories.ChannelRepository).create(F.channel(m, F.channelKey(1)))
            const own = yield* KeyProvider.KeyProvider
            const current = yield* own.current
            const pepper = yield* own.pepper
            const fresh = randomBytes(32)
            const rotated = yield* KeyProvider.make({
              keys: [
                { id: "rotated-2", key: fresh },
                { id: current.id, key: current.key }
              ],
              pepper
            })
            yield* Effect.scoped(
              Effect.flatMap(reopen(rotated), (store) =>
                Context.get(store, Repositories.ChannelRepository).create(F.channel(m, F.channelKey(2)))
              )
            )
            const newOnly = yield* KeyProvider.make({ keys: [{ id: "rotated-2", key: fresh }], pepper })
            const repo = Context.get(yield* Effect.scoped(reopen(newOnly)), Repositories.ChannelRepository)
            expect((yield* repo.list(m)).map((c) => [c.key, c.readable])).toEqual([
              [F.channelKey(1), false],
              [F.channelKey(2), true]
            ])
            expect((yield* repo.get(m, F.channelKey(1))).readable).toBe(false)
            expect(F.revealed(yield* repo.credentials(m, F.channelKey(2)))).toEqual(F.revealed(F.channel(m, F.channelKey(2)).credentials))
            yield* F.expectStoreError(repo.credentials(m, F.channelKey(1)), "Corrupt", "ChannelRepository.credentials")
            // An edit of its other fields keeps the sealed credentials; re-entering them makes it readable again.
            const read = yield* repo.get(m, F.channelKey(1))
            const renamed = yield* repo.update({ ...read, name: "Renamed" })
            expect(renamed.readable).toBe(false)
            const fixed = yield* repo.update({ ...renamed, credentials: { site_key: Redacted.make("re-entered") } })
            expect((yield* repo.get(m, F.channelKey(1))).readable).toBe(true)
            expect(fixed.readable).toBe(true)
            expect(Redacted.value((yield* repo.credentials(m, F.channelKey(1)))["site_key"]!)).toBe("re-entered")
          })
        ),
      h.timeout
    )

    it(
      "[reopen] a rotation is accepted: a new current key beside the old one, then the new one alone; the replaced key is not accepted first again",
      () =>
        h.freshPromise(
          Effect.gen(function* () {
            yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
            const own = yield* KeyProvider.KeyProvider
            const current = yield* own.current
            const pepper = yield* own.pepper
            const fresh = randomBytes(32)
            const rotated = yield* KeyProvider.make({
              keys: [
                { id: "rotated-2", key: fresh },
                { id: current.id, key: current.key }
              ],
              pepper
            })
            yield* Effect.scoped(
              Effect.flatMap(reopen(rotated), (store) =>
                Context.get(store, Repositories.ChannelRepository).create(F.channel(m, F.channelKey(2)))
              )
            )
            const newOnly = yield* KeyProvider.make({ keys: [{ id: "rotated-2", key: fresh }], pepper })
            const store = yield* Effect.scoped(reopen(newOnly))
            expect((yield* Context.get(store, Repositories.ChannelRepository).get(m, F.channelKey(2))).key).toBe(F.channelKey(2))
            // Once replaced, a key does not seal again: the old configuration, alone or still first,
            // is refused (ops probe 2026-12: a stale process sealed new secrets with the retired key).
            const old = { id: current.id, key: current.key }
            for (const keys of [[old], [old, { id: "rotated-2", key: fresh }]]) {
              const stale = yield* KeyProvider.make({ keys, pepper })
              expect(reasonOf(yield* Effect.exit(Effect.scoped(reopen(stale))))?.["_tag"], `keys ${keys.map((k) => k.id)}`).toBe(
                "KeyMismatch"
              )
            }
            // A new key seals only beside the current one: after the rotation, a stray key first with
            // the replaced key behind it is refused (storage probe 2026-12: it was let in, sealed
            // with its own key, and the rotated hosts could not open what it wrote).
            const stray = yield* KeyProvider.make({ keys: [{ id: "stray-3", key: randomBytes(32) }, old], pepper })
            const strayExit = yield* Effect.exit(Effect.scoped(reopen(stray)))
            expect(reasonOf(strayExit)?.["_tag"]).toBe("KeyMismatch")
            expect(reasonOf(strayExit)?.["keyId"]).toBe("rotated-2")
            // The next rotation, done as documented, is accepted.
            const next = yield* KeyProvider.make({
              keys: [
                { id: "rotated-3", key: randomBytes(32) },
                { id: "rotated-2", key: fresh }
              ],
              pepper
            })
            yield* Effect.scoped(reopen(next))
            // A key id recorded once keeps its fingerprint: the same id with other bytes is refused.
            const forged = yield* KeyProvider.make({
              keys: [
                { id: "rotated-2", key: randomBytes(32) },
                { id: current.id, key: current.key }
              ],
              pepper
            })
            expect(reasonOf(yield* Effect.exit(Effect.scoped(reopen(forged))))?.["keyId"]).toBe("rotated-2")
          })
        ),
      h.timeout
    )
  })
