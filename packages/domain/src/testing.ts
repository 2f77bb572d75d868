/**
 * fast-check arbitraries for every domain value, valid and deliberately invalid, for this
 * library's tests and for host apps and adapter authors.
 *
 * @since 0.1.0
 */
import { Result } from "effect"
import * as fc from "fast-check"
import * as ApiKey from "./ApiKey.ts"
import * as ChannelGroup from "./ChannelGroup.ts"
import type { Mode, PaymentType } from "./ChannelTerms.ts"
import type { ChannelGroupId, ChannelKey, MerchantCode, Mid, TierCode, ApiKeyId } from "./Identifiers.ts"
import * as Merchant from "./Merchant.ts"
import * as PaymentChannel from "./PaymentChannel.ts"
import * as PgCatalog from "./PgCatalog.ts"
import * as SubMerchant from "./SubMerchant.ts"
import * as WebhookSettings from "./WebhookSettings.ts"
import * as WhitelistRules from "./WhitelistRules.ts"

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`))
const uuid = fc
  .tuple(hex(8), hex(4), hex(3), fc.constantFrom("8", "9", "a", "b"), hex(3), hex(12))
  .map(([a, b, c, v, d, e]) => `${a}-${b}-4${c}-${v}${d}-${e}`)

/** @since 0.1.0 @category identifiers */
export const merchantCode: fc.Arbitrary<MerchantCode> = fc.stringMatching(/^imp[0-9]{8}$/) as fc.Arbitrary<MerchantCode>
/** @since 0.1.0 @category identifiers */
export const tierCode: fc.Arbitrary<TierCode> = fc.stringMatching(/^[A-Za-z0-9]{3}$/) as fc.Arbitrary<TierCode>
/** @since 0.1.0 @category identifiers */
export const channelKey: fc.Arbitrary<ChannelKey> = uuid.map((u) => `channel-key-${u}` as ChannelKey)
/** @since 0.1.0 @category identifiers */
export const channelGroupId: fc.Arbitrary<ChannelGroupId> = uuid.map((u) => `channel-group-${u}` as ChannelGroupId)
/** @since 0.1.0 @category identifiers */
export const apiKeyId: fc.Arbitrary<ApiKeyId> = fc.stringMatching(/^ak_[0-9a-z]{24}$/) as fc.Arbitrary<ApiKeyId>
/** MIDs, dots included (they are split on the first dot only). @since 0.1.0 @category identifiers */
export const mid: fc.Arbitrary<Mid> = fc.stringMatching(/^[A-Za-z0-9_.-]{1,24}$/) as fc.Arbitrary<Mid>

/** Strings that are not merchant codes. @since 0.1.0 @category invalid */
export const invalidMerchantCode: fc.Arbitrary<string> = fc.oneof(
  fc.string().filter((s) => !/^imp[0-9]{8}$/.test(s)),
  fc.stringMatching(/^imp[0-9]{1,7}$/),
  fc.stringMatching(/^imp[0-9]{9,12}$/),
  fc.stringMatching(/^IMP[0-9]{8}$/),
  fc.stringMatching(/^imp[0-9]{8}$/).map((s) => ` ${s}`)
)
/** Strings that are not tier codes. @since 0.1.0 @category invalid */
export const invalidTierCode: fc.Arbitrary<string> = fc.oneof(
  fc.string().filter((s) => !/^[A-Za-z0-9]{3}$/.test(s)),
  fc.stringMatching(/^[A-Za-z0-9]{2}[-_ .]$/),
  fc.stringMatching(/^[A-Za-z0-9]{4,6}$/)
)
/** Strings that are not channel keys. @since 0.1.0 @category invalid */
export const invalidChannelKey: fc.Arbitrary<string> = fc.oneof(
  fc.string().filter((s) => !s.startsWith("channel-key-")),
  uuid.map((u) => `channel-key-${u.toUpperCase()}`).filter((s) => /[A-F]/.test(s)),
  uuid.map((u) => `channel-key-${u.slice(1)}`),
  uuid.map((u) => u)
)

const values = new WeakMap<PgCatalog.CredentialField, fc.Arbitrary<string>>()

const valueFor = (pg: string, field: PgCatalog.CredentialField): fc.Arbitrary<string> => {
  const known = values.get(field)
  if (known !== undefined) return known
  const max = Math.min(field.maxLength ?? 40, 40)
  const base = field.pattern !== undefined ? fc.stringMatching(new RegExp(field.pattern)) : fc.stringMatching(/^[A-Za-z0-9]{1,40}$/)
  const fits = (s: string) => s.length >= 1 && s.length <= max && s.trim() === s
  // The filter below would spin for ever on a pattern nothing short enough matches: fail instead.
  if (!fc.sample(base, { numRuns: 100, seed: 0 }).some(fits)) {
    throw new Error(`${pg}.${field.name}: no value of /${field.pattern}/ in 100 tries has 1 to ${max} characters without outer spaces`)
  }
  const arbitrary = base.filter(fits)
  values.set(field, arbitrary)
  return arbitrary
}

const credentialsFor = (provider: PgCatalog.PgProvider, type: PaymentType, requireAll: boolean): fc.Arbitrary<Record<string, string>> =>
  fc
    .tuple(
      ...provider.credentialFields.map((field) =>
        fc.tuple(
          fc.constant(field.name),
          valueFor(provider.code, field),
          requireAll && PgCatalog.isRequiredFor(field, type) ? fc.constant(true) : fc.boolean()
        )
      )
    )
    .map((entries) => Object.fromEntries(entries.filter(([, , keep]) => keep).map(([name, value]) => [name, value])))

/** @since 0.1.0 @category models */
export interface ChannelOptions {
  readonly catalog?: PgCatalog.PgCatalog
  readonly merchant?: fc.Arbitrary<MerchantCode>
  readonly key?: fc.Arbitrary<ChannelKey>
  readonly mode?: fc.Arbitrary<Mode>
  readonly pg?: fc.Arbitrary<string>
  readonly sequence?: fc.Arbitrary<number>
}

/**
 * What a merchant could type on the "add channel" card and the catalog accepts.
 *
 * @since 0.1.0
 * @category entities
 */
export const channelInput = (options: ChannelOptions = {}): fc.Arbitrary<PaymentChannel.ChannelInput> => {
  const catalog = options.catalog ?? PgCatalog.builtIn
  const providers = [...catalog.providers.values()]
  const pg = options.pg ?? fc.constantFrom(...providers.map((p) => p.code))
  return fc.tuple(pg, options.mode ?? fc.constantFrom<Mode>("test", "live")).chain(([code, wantedMode]) => {
    const provider = catalog.providers.get(code)!
    const mode: Mode = provider.test.kind === "unavailable" ? "live" : wantedMode
    return fc.constantFrom(...PgCatalog.paymentTypesOf(provider)).chain((type) => {
      const offered = PgCatalog.payMethodsOf(provider, type)
      const methodsArb = offered.length === 0 ? fc.constant([]) : fc.subarray([...offered], { minLength: 1 })
      return methodsArb.chain((payMethods) => {
        const shared = mode === "test" ? PgCatalog.sharedTestMid(provider, type, payMethods) : undefined
        const midArb: fc.Arbitrary<string | undefined> = shared !== undefined ? fc.option(mid, { nil: undefined }) : mid
        return midArb.chain((m) =>
          fc.record({
            key: options.key ?? channelKey,
            merchant: options.merchant ?? merchantCode,
            mode: fc.constant(mode),
            pg: fc.constant(code),
            mid: fc.constant(m),
            name: fc.option(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,30}[A-Za-z0-9]$/), { nil: undefined }),
            paymentType: fc.constant(type),
            payMethods: fc.constant(payMethods),
            taxType: fc.constantFrom("taxable" as const, "tax-free" as const),
            credentials: credentialsFor(provider, type, m !== undefined),
            enabled: fc.boolean(),
            sequence: options.sequence ?? fc.nat({ max: 1_000_000 }),
            createdAt: fc.nat({ max: 4_000_000_000_000 })
          })
        )
      })
    })
  })
}

/**
 * Valid channels (built through `PaymentChannel.make`).
 *
 * @since 0.1.0
 * @category entities
 */
export const channel = (options: ChannelOptions = {}): fc.Arbitrary<PaymentChannel.PaymentChannel> =>
  channelInput(options).map((input) => Result.getOrThrow(PaymentChannel.make(options.catalog ?? PgCatalog.builtIn, input)))

/** @since 0.1.0 @category entities */
export const merchant = (code: fc.Arbitrary<MerchantCode> = merchantCode): fc.Arbitrary<Merchant.Merchant> =>
  fc
    .record({
      code,
      name: fc.stringMatching(/^[A-Za-z0-9가-힣][A-Za-z0-9 가-힣&.-]{0,40}[A-Za-z0-9가-힣]$/),
      policy: fc.constantFrom("fallback" as const, "strict" as const),
      createdAt: fc.nat({ max: 4_000_000_000_000 })
    })
    .map((input) => Result.getOrThrow(Merchant.make(input)))

/** @since 0.1.0 @category entities */
export const subMerchant = (parent: fc.Arbitrary<MerchantCode> = merchantCode): fc.Arbitrary<SubMerchant.SubMerchant> =>
  fc
    .record({ merchant: parent, tier: tierCode, createdAt: fc.nat({ max: 4_000_000_000_000 }) })
    .map((input) => Result.getOrThrow(SubMerchant.make(input)))

/**
 * Weights of `n` members summing to 100, each at least 1.
 *
 * @since 0.1.0
 * @category entities
 */
export const weights = (n: number): fc.Arbitrary<ReadonlyArray<number>> =>
  fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100]
    return points.slice(1).map((p, i) => p - points[i]!)
  })

/**
 * A valid group over some of the given channels (all of one merchant and mode, payment purpose).
 *
 * @since 0.1.0
 * @category entities
 */
export const channelGroup = (channels: ReadonlyArray<PaymentChannel.PaymentChannel>): fc.Arbitrary<ChannelGroup.ChannelGroup> => {
  const eligible = channels.filter((c) => c.purpose === "payment")
  const first = eligible[0]
  if (first === undefined) throw new Error("channelGroup needs at least one payment channel")
  const pool = eligible.filter((c) => c.mode === first.mode && c.merchant === first.merchant).slice(0, ChannelGroup.maxMembers)
  return fc.subarray(pool, { minLength: 1 }).chain((members) =>
    fc.tuple(channelGroupId, weights(members.length)).map(([id, ws]) =>
      Result.getOrThrow(
        ChannelGroup.make(
          {
            id,
            merchant: first.merchant,
            name: "Routing group",
            mode: first.mode,
            members: members.map((c, i) => ({ channel: c.key, weight: ws[i]! })),
            createdAt: 0
          },
          channels
        )
      )
    )
  )
}

/** @since 0.1.0 @category entities */
export const webhookUrl = (scheme: "http" | "https" = "https"): fc.Arbitrary<string> =>
  fc.tuple(fc.domain(), fc.webPath()).map(([host, path]) => `${scheme}://${host}${path}`)

const endpointIds = fc.stringMatching(/^ep_[A-Za-z0-9_]{1,12}$/)
const eventTypes = fc.uniqueArray(fc.constantFrom("Transaction.Paid", "Transaction.Ready", "Transaction.Cancelled", "BillingKey.Issued"), {
  minLength: 1
})

const modeSettings = (url: fc.Arbitrary<string>) =>
  fc.record({
    contentType: fc.constantFrom("json" as const, "form" as const),
    endpoints: fc
      .uniqueArray(fc.record({ id: endpointIds, url, events: fc.option(eventTypes, { nil: undefined }) }), {
        maxLength: 3,
        selector: (e) => e.id
      })
      .map((list) => list.filter((e, i) => list.findIndex((o) => o.url === e.url) === i))
      .map((list) => list.map(({ events, ...e }) => (events === undefined ? e : { ...e, events })))
  })

/** @since 0.1.0 @category entities */
export const webhookSettings = (code: fc.Arbitrary<MerchantCode> = merchantCode): fc.Arbitrary<WebhookSettings.WebhookSettings> =>
  fc
    .record({
      merchant: code,
      test: modeSettings(fc.oneof(webhookUrl("http"), webhookUrl("https"))),
      live: modeSettings(webhookUrl("https"))
    })
    .map((settings) => Result.getOrThrow(WebhookSettings.decode({ ...settings, version: 0 })))

/** CIDR-shaped text (not necessarily canonical). @since 0.1.0 @category entities */
export const cidrText: fc.Arbitrary<string> = fc
  .oneof(
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`),
    fc.ipV4(),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, p]) => `${ip}/${p}`)
  )
  .filter((s) => s.length <= 49 && /^[0-9a-fA-F:.]{2,45}(\/[0-9]{1,3})?$/.test(s))

/** @since 0.1.0 @category entities */
export const whitelistRules = (code: fc.Arbitrary<MerchantCode> = merchantCode): fc.Arbitrary<WhitelistRules.WhitelistRules> =>
  fc
    .record({ merchant: code, rules: fc.array(cidrText, { maxLength: 20 }), denyByDefault: fc.boolean() })
    .map((input) => Result.getOrThrow(WhitelistRules.decode({ ...input, version: 0 })))

/** @since 0.1.0 @category entities */
export const apiKey = (code: fc.Arbitrary<MerchantCode> = merchantCode): fc.Arbitrary<ApiKey.ApiKey> =>
  fc
    .record({
      id: apiKeyId,
      merchant: code,
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
      secretHash: hex(64),
      createdAt: fc.nat({ max: 2_000_000_000_000 }),
      ttl: fc.option(fc.integer({ min: 1, max: 1_000_000_000 }), { nil: undefined })
    })
    .map(({ ttl, ...input }) =>
      Result.getOrThrow(ApiKey.make({ ...input, expiresAt: ttl === undefined ? undefined : input.createdAt + ttl }))
    )
