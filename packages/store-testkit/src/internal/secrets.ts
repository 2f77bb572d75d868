/**
 * Secrets at rest: the raw storage holds no credential or webhook-secret plaintext, and API
 * secrets only as keyed hashes.
 */
import { KeyProvider, Repositories, SecretHasher } from "@paymux/store"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import * as F from "./fixtures.ts"
import { type Harness, notDeclared } from "./harness.ts"

const m = F.merchantCode(1)

export const secrets = (h: Harness): void =>
  void describe("secrets at rest", () => {
    const dump = h.capabilities.rawDump
    if (dump === undefined) {
      notDeclared("rawDump", "the raw storage cannot be read, so secrets at rest are NOT checked")
      return
    }
    it("[rawDump] no credential or webhook-secret plaintext, API secrets only as keyed hashes", () =>
      h.freshPromise(Effect.gen(function*() {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
        const canary = (what: string) => `${what}-${crypto.randomUUID()}`
        const siteKey = canary("site-key")
        const cancelPassword = canary("cancel-pw")
        const channels = yield* Repositories.ChannelRepository
        const channel = yield* channels.create(F.channel(m, F.channelKey(1), {
          credentials: { site_key: Redacted.make(siteKey), cancel_password: Redacted.make(cancelPassword) }
        }))
        const edited = yield* channels.update({ ...channel, credentials: { ...channel.credentials, site_key: Redacted.make(`${siteKey}-v2`) } })
        const webhookSecret = `whsec_${Buffer.from(canary("webhook")).toString("base64")}`
        yield* (yield* Repositories.WebhookSettingsRepository).putSecrets(m, "live", [Redacted.make(webhookSecret)])
        const issued = yield* SecretHasher.issue
        const apiSecret = Redacted.value(issued.secret)
        yield* (yield* Repositories.ApiKeyRepository).create(F.apiKey(m, F.apiKeyId(1), issued.hash))

        const raw = yield* dump
        expect(raw.length).toBeGreaterThan(0)
        for (const plaintext of [siteKey, `${siteKey}-v2`, cancelPassword, webhookSecret, webhookSecret.slice(6), apiSecret, apiSecret.slice(3)]) {
          expect(raw.includes(plaintext), "a secret was found in clear in the raw storage").toBe(false)
        }
        expect(raw).toContain(issued.hash)
        // The stored hash is the keyed hash of the secret under the adapter's pepper.
        const stored = yield* (yield* Repositories.ApiKeyRepository).get(F.apiKeyId(1))
        expect(yield* SecretHasher.verify(issued.secret, stored.secretHash)).toBe(true)
        const pepper = yield* (yield* KeyProvider.KeyProvider).pepper
        expect(stored.secretHash).toBe(SecretHasher.hashWith(Redacted.value(pepper), apiSecret))
        // ...and the sealed values still open.
        const back = yield* channels.get(m, channel.key)
        expect(Redacted.value(back.credentials["site_key"]!)).toBe(`${siteKey}-v2`)
        expect(Redacted.value(back.credentials["cancel_password"]!)).toBe(cancelPassword)
        expect(back.version).toBe(edited.version)
        const secretsBack = yield* (yield* Repositories.WebhookSettingsRepository).getSecrets(m, "live")
        expect(secretsBack.map(Redacted.value)).toEqual([webhookSecret])
      })), h.timeout)
  })
