/**
 * The PG catalog as data: for each PG code, its names, the payment types it offers with the pay
 * methods of each, the credential fields a channel of it needs, and whether a shared test
 * credential exists. Host apps extend or override it without forking.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { PaymentType, PayMethod } from "./ChannelTerms.ts"
import { InvalidInput } from "./DomainError.ts"
import { builtInProviders } from "./internal/catalogData.ts"
import { decodeWith } from "./internal/decode.ts"
import { editDistance } from "./internal/distance.ts"
import { type Mid, PgCode } from "./Identifiers.ts"

const FieldName = Schema.String.pipe(
  Schema.check(Schema.makeFilter((s: string) => /^[a-z][a-z0-9_]{0,39}$/.test(s) || "a field name is snake_case"))
)

/**
 * One credential field a channel of a PG needs. `required` is `true`, `false`, or the payment
 * types that need it (KCP's `group_id` only for API subscriptions). `pattern` is a regular
 * expression source the whole value must match.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CredentialField = Schema.Struct({
  name: FieldName,
  label: Schema.NonEmptyString,
  secret: Schema.Boolean,
  required: Schema.Union([Schema.Boolean, Schema.Array(PaymentType)]),
  maxLength: Schema.optionalKey(Schema.Int.pipe(Schema.check(Schema.isGreaterThan(0)))),
  pattern: Schema.optionalKey(Schema.String),
  patternDescription: Schema.optionalKey(Schema.String)
})
/** @since 0.1.0 @category models */
export type CredentialField = typeof CredentialField.Type

const Methods = Schema.Array(PayMethod)

/**
 * Where a catalog value comes from: a file in a public repository (PortOne's help-centre pages
 * and developer docs) and the day the value was last checked against it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Source = Schema.Struct({
  repo: Schema.NonEmptyString,
  path: Schema.NonEmptyString,
  checked: Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/)))
})
/** @since 0.1.0 @category models */
export type Source = typeof Source.Type

/**
 * A shared test MID the aggregator offers for one payment type. `payMethods`, when present,
 * limits it to channels whose pay methods are all among them (NICE's virtual-account MID).
 *
 * @since 0.1.0
 * @category schemas
 */
export const SharedTestMid = Schema.Struct({
  paymentType: PaymentType,
  mid: Schema.NonEmptyString,
  payMethods: Schema.optionalKey(Methods),
  note: Schema.optionalKey(Schema.String),
  source: Schema.optionalKey(Source)
})
/** @since 0.1.0 @category models */
export type SharedTestMid = typeof SharedTestMid.Type

/**
 * A payment type of a PG with shared test credentials that has none the aggregator can hand out
 * (KCP and Danal give no identity-verification test MID), and why.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UntestedType = Schema.Struct({
  paymentType: PaymentType,
  note: Schema.String,
  source: Schema.optionalKey(Source)
})
/** @since 0.1.0 @category models */
export type UntestedType = typeof UntestedType.Type

/**
 * How a merchant tests against a PG: `shared` (the aggregator's shared test MIDs, per payment type
 * and pay method; `untested` lists the types that have none, with the reason), `pg-provided` (the
 * PG issues the merchant its own test MID or sandbox account: Naver Pay, Toss, PayPal, and PGs
 * such as Paymentwall with no shared credential) or `unavailable` (the PG has no test mode).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TestAvailability = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("shared"),
    mids: Schema.Array(SharedTestMid),
    untested: Schema.optionalKey(Schema.Array(UntestedType))
  }),
  Schema.Struct({ kind: Schema.Literal("pg-provided"), note: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("unavailable"), note: Schema.String })
])
/** @since 0.1.0 @category models */
export type TestAvailability = typeof TestAvailability.Type

/**
 * A PG as the catalog describes it. `selection` says how `request_pay` can name it: by `pg`
 * string (`code` or `code.MID`), by `pg` string only with a MID (`code-and-mid`: Hecto My-Account
 * Pay), or only by channel key (PGs the V1 SDK has no `pg` code for). `testNotes` are the traps of
 * its test mode (real charges cancelled at night, cards that cannot be tested).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PgProvider = Schema.Struct({
  code: PgCode,
  displayName: Schema.NonEmptyString,
  localName: Schema.String,
  mid: Schema.Struct({ name: FieldName, label: Schema.NonEmptyString }),
  /** The payment types the PG offers, each with the pay methods it serves for that type. */
  payMethods: Schema.Struct({
    "window.general": Schema.optionalKey(Methods),
    "window.simple": Schema.optionalKey(Methods),
    "window.subscription": Schema.optionalKey(Methods),
    "api.keyin": Schema.optionalKey(Methods),
    "api.subscription": Schema.optionalKey(Methods),
    certification: Schema.optionalKey(Methods)
  }),
  credentialFields: Schema.Array(CredentialField),
  test: TestAvailability,
  selection: Schema.optionalKey(Schema.Literals(["code", "code-and-mid", "channel-key"])),
  testNotes: Schema.optionalKey(Schema.Array(Schema.String)),
  notes: Schema.optionalKey(Schema.Array(Schema.String)),
  sources: Schema.optionalKey(Schema.Array(Source))
})
/** @since 0.1.0 @category models */
export type PgProvider = typeof PgProvider.Type
/**
 * A provider as written by hand, before its PG code is branded.
 *
 * @since 0.1.0
 * @category models
 */
export type PgProviderInput = typeof PgProvider.Encoded

/**
 * An immutable catalog of PGs keyed by code.
 *
 * @since 0.1.0
 * @category models
 */
export interface PgCatalog {
  readonly providers: ReadonlyMap<string, PgProvider>
}

const decodeProvider = decodeWith(PgProvider, "provider")
const isPgCode = Schema.is(PgCode)

// A list of many PGs says which one broke: `provider[acme_pay].credentialFields.0.label`. A bad
// code is itself the error (`provider.code`), so only a valid one is named.
const namingThePg = (error: InvalidInput, input: unknown): InvalidInput => {
  const code = typeof input === "object" && input !== null ? (input as { readonly code?: unknown }).code : undefined
  if (!isPgCode(code) || !error.field.startsWith("provider.")) return error
  return new InvalidInput({ field: `provider[${code}]${error.field.slice("provider".length)}`, value: error.value, rule: error.rule })
}

const build = (providers: Iterable<PgProvider>): PgCatalog => ({ providers: new Map(Array.from(providers, (p) => [p.code, p])) })

/**
 * The built-in catalog: every PG code from the public documentation.
 *
 * @since 0.1.0
 * @category constructors
 */
// The data is this package's own, checked against `PgProvider` by a test ("the built-in data
// decodes to itself"), so importing the package does not decode it again (~10 ms of every start).
export const builtIn: PgCatalog = build(builtInProviders as ReadonlyArray<PgProvider>)

/**
 * A catalog with more PGs, or with some replaced (a later entry with the same code wins), e.g.
 * to add a PG this library does not know yet or to override a shared test MID. An invalid entry
 * fails with a field path that names its PG (`provider[acme_pay].credentialFields.0.label`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const extend = (catalog: PgCatalog, providers: ReadonlyArray<unknown>): Result.Result<PgCatalog, InvalidInput> => {
  const decoded: Array<PgProvider> = []
  for (const input of providers) {
    const result = decodeProvider(input)
    if (Result.isFailure(result)) return Result.fail(namingThePg(result.failure, input))
    decoded.push(result.success)
  }
  return Result.succeed(build([...catalog.providers.values(), ...decoded]))
}

/**
 * All providers, sorted by code.
 *
 * @since 0.1.0
 * @category getters
 */
export const list = (catalog: PgCatalog): ReadonlyArray<PgProvider> =>
  [...catalog.providers.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

/**
 * Up to three known codes close to `text` (`tosspayment` -> `tosspayments`), closest first.
 *
 * @since 0.1.0
 * @category getters
 */
export const suggest = (catalog: PgCatalog, text: string): ReadonlyArray<string> => {
  const needle = text.toLowerCase()
  const limit = Math.max(2, Math.floor(needle.length / 3))
  return [...catalog.providers.keys()]
    .map((code) => ({ code, distance: code.startsWith(needle) && needle.length >= 3 ? 0.5 : editDistance(needle, code, limit) }))
    .filter((c) => c.distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.code < b.code ? -1 : 1))
    .slice(0, 3)
    .map((c) => c.code)
}

/**
 * The provider for a code, or an InvalidInput that names the closest known codes.
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (catalog: PgCatalog, code: string, field = "pg"): Result.Result<PgProvider, InvalidInput> => {
  const provider = catalog.providers.get(code)
  if (provider !== undefined) return Result.succeed(provider)
  const near = suggest(catalog, code)
  const hint = near.length > 0 ? `; did you mean ${near.join(" or ")}?` : ""
  return Result.fail(new InvalidInput({ field, value: JSON.stringify(code), rule: `not a PG code in the catalog${hint}` }))
}

/**
 * The payment types a PG offers.
 *
 * @since 0.1.0
 * @category getters
 */
export const paymentTypesOf = (provider: PgProvider): ReadonlyArray<PaymentType> =>
  PaymentType.literals.filter((t) => provider.payMethods[t] !== undefined)

/**
 * The pay methods a PG serves for one payment type (empty when it does not offer the type).
 *
 * @since 0.1.0
 * @category getters
 */
export const payMethodsOf = (provider: PgProvider, type: PaymentType): ReadonlyArray<PayMethod> => provider.payMethods[type] ?? []

/**
 * The shared test MID for a channel of one payment type and pay methods, when the catalog knows
 * one: a MID limited to pay methods that cover all of the channel's wins (a virtual-account
 * channel gets the virtual-account MID), else the first MID of the type without such a limit.
 *
 * @since 0.1.0
 * @category getters
 */
export const sharedTestMid = (provider: PgProvider, type: PaymentType, payMethods: ReadonlyArray<string> = []): Mid | undefined => {
  if (provider.test.kind !== "shared") return undefined
  const ofType = provider.test.mids.filter((m) => m.paymentType === type)
  const covers = (m: SharedTestMid) =>
    m.payMethods !== undefined &&
    payMethods.length > 0 &&
    payMethods.every((method) => (m.payMethods as ReadonlyArray<string>).includes(method))
  const chosen = ofType.find(covers) ?? ofType.find((m) => m.payMethods === undefined)
  return chosen?.mid as Mid | undefined
}

/**
 * Why a payment type of a PG has no shared test MID, when the catalog records a reason.
 *
 * @since 0.1.0
 * @category getters
 */
export const untestedReason = (provider: PgProvider, type: PaymentType): string | undefined =>
  provider.test.kind === "shared" ? provider.test.untested?.find((u) => u.paymentType === type)?.note : undefined

/**
 * How `request_pay` may name a PG (see `PgProvider`); `code` unless the catalog says otherwise.
 *
 * @since 0.1.0
 * @category getters
 */
export const selectionOf = (provider: PgProvider): "code" | "code-and-mid" | "channel-key" => provider.selection ?? "code"

/**
 * Whether the credential field is required for a payment type.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRequiredFor = (field: CredentialField, type: PaymentType): boolean =>
  typeof field.required === "boolean" ? field.required : field.required.includes(type)

/**
 * The PG codes whose test MIDs come from the PG rather than the aggregator.
 *
 * @since 0.1.0
 * @category getters
 */
export const withoutSharedTestCredential = (catalog: PgCatalog): ReadonlyArray<string> =>
  list(catalog)
    .filter((p) => p.test.kind !== "shared")
    .map((p) => p.code)
