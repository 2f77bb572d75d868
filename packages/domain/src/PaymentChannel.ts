/**
 * A payment channel: one PG credential in one mode, with what it serves. Construction and every
 * edit enforce the rules of the console page.
 *
 * @since 0.1.0
 */
import { type Redacted, Result, Schema } from "effect"
import { Mode, PaymentType, PayMethod, Purpose, purposeOf, TaxType } from "./ChannelTerms.ts"
import * as Credentials from "./Credentials.ts"
import { type DomainError, InvalidInput, RuleViolation } from "./DomainError.ts"
import { ChannelKey, MerchantCode, Mid, PgCode } from "./Identifiers.ts"
import { decodeWith, quote } from "./internal/decode.ts"
import * as PgCatalog from "./PgCatalog.ts"
import { DisplayName } from "./DisplayName.ts"
import { Timestamp } from "./Timestamp.ts"
import { Version } from "./Version.ts"

/**
 * Where a channel's credential comes from: the merchant's own (`own`) or, for a test channel, the
 * aggregator's shared test credential (`shared-test`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CredentialSource = Schema.Literals(["own", "shared-test"])
/** @since 0.1.0 @category models */
export type CredentialSource = typeof CredentialSource.Type

/**
 * @since 0.1.0
 * @category schemas
 */
export const PaymentChannel = Schema.Struct({
  key: ChannelKey,
  merchant: MerchantCode,
  mode: Mode,
  pg: PgCode,
  mid: Mid,
  name: DisplayName,
  purpose: Purpose,
  paymentType: PaymentType,
  payMethods: Schema.Array(PayMethod),
  taxType: TaxType,
  credentialSource: CredentialSource,
  /**
   * The credentials, when loaded. A channel read from a store comes without them (empty): the
   * store opens them only when asked (`ChannelRepository.credentials`).
   */
  credentials: Credentials.Credentials,
  /**
   * Set on a channel read from a store: whether its sealed credentials name a master key the store
   * has. `false` marks a channel whose credentials cannot be opened; the channel still lists.
   */
  readable: Schema.optionalKey(Schema.Boolean),
  enabled: Schema.Boolean,
  /** Creation order within the merchant, assigned by the store; resolution searches oldest first. */
  sequence: Schema.Int.pipe(Schema.check(Schema.isGreaterThanOrEqualTo(0))),
  createdAt: Timestamp,
  version: Version
})
/** @since 0.1.0 @category models */
export type PaymentChannel = typeof PaymentChannel.Type

/**
 * What a merchant enters on the "add channel" card. `mid` may be left out for a test channel of a
 * PG with a shared test credential; `name` defaults as the console's does.
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelInput {
  readonly key: string
  readonly merchant: string
  readonly mode: Mode
  readonly pg: string
  readonly mid?: string | undefined
  readonly name?: string | undefined
  readonly paymentType: PaymentType
  readonly payMethods: ReadonlyArray<string>
  readonly taxType?: TaxType | undefined
  readonly credentials?: Readonly<Record<string, string | Redacted.Redacted<string>>> | undefined
  readonly enabled?: boolean | undefined
  readonly sequence: number
  readonly createdAt: number
}

const decodeChannel = decodeWith(PaymentChannel)

/**
 * Decodes a channel from untrusted or stored data (no catalog rules; see `make` for those).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode: (input: unknown) => Result.Result<PaymentChannel, InvalidInput> = decodeChannel

const violation = (rule: string, detail: string) => Result.fail(new RuleViolation({ rule, detail }))

/** Picks the MID for a channel and where its credential comes from, or the rule that forbids it. */
const resolveMid = (
  provider: PgCatalog.PgProvider,
  mode: Mode,
  type: PaymentType,
  payMethods: ReadonlyArray<string>,
  mid: string | undefined
): Result.Result<{ readonly mid: string; readonly source: CredentialSource }, DomainError> => {
  if (mode === "test" && provider.test.kind === "unavailable") {
    return violation("no-test-mode", `${provider.code} has no test mode: ${provider.test.note}`)
  }
  if (mid !== undefined && mid !== "") return Result.succeed({ mid, source: "own" })
  if (mode === "live") {
    return Result.fail(
      new InvalidInput({
        field: "mid",
        value: "<missing>",
        rule: `a live channel needs the ${provider.mid.label} that ${provider.displayName} issued`
      })
    )
  }
  if (provider.test.kind === "pg-provided") {
    return violation(
      "test-mid-required",
      `${provider.code} has no shared test credential: enter the test MID ${provider.displayName} issued to you (${provider.test.note})`
    )
  }
  const shared = PgCatalog.sharedTestMid(provider, type, payMethods)
  if (shared === undefined) {
    const why =
      PgCatalog.untestedReason(provider, type)?.replace(/\.$/, "") ?? `the catalog lists no shared test MID of ${provider.code} for ${type}`
    return violation("shared-test-mid-unknown", `${why}: enter the test MID, or extend the catalog with the value your console shows`)
  }
  return Result.succeed({ mid: shared, source: "shared-test" })
}

const checkPayMethods = (
  provider: PgCatalog.PgProvider,
  type: PaymentType,
  methods: ReadonlyArray<string>
): Result.Result<ReadonlyArray<string>, DomainError> => {
  const offered = PgCatalog.payMethodsOf(provider, type)
  // Unchecked input: a string spreads into its letters ("kcp does not offer c, a, r, d").
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== "string")) {
    const value = typeof methods === "string" ? quote(methods) : Array.isArray(methods) ? "an array" : `a ${typeof methods}`
    return Result.fail(new InvalidInput({ field: "payMethods", value, rule: `a list of pay methods, e.g. ["${offered[0] ?? "card"}"]` }))
  }
  const unique = [...new Set(methods)]
  if (offered.length === 0) {
    return unique.length === 0
      ? Result.succeed(unique)
      : violation("pay-method-unsupported", `${provider.code} ${type} takes no pay methods`)
  }
  if (unique.length === 0) {
    return Result.fail(new InvalidInput({ field: "payMethods", value: "[]", rule: `choose at least one of ${offered.join(", ")}` }))
  }
  const unsupported = unique.filter((m) => !(offered as ReadonlyArray<string>).includes(m))
  if (unsupported.length > 0) {
    return violation(
      "pay-method-unsupported",
      `${provider.code} does not offer ${unsupported.join(", ")} for ${type}; it offers ${offered.join(", ")}`
    )
  }
  return Result.succeed(unique)
}

/**
 * Builds a channel from what the console card holds, enforcing: the PG is in the catalog and
 * offers the payment type; the pay methods are a non-empty subset of what it offers for that
 * type; a live channel has a MID; a test channel without a MID uses the PG's shared test
 * credential, which Naver Pay, Toss and PayPal do not have and PGs without a test mode refuse;
 * the credentials match the PG's field schema.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (catalog: PgCatalog.PgCatalog, input: ChannelInput): Result.Result<PaymentChannel, DomainError> =>
  Result.gen(function* () {
    const provider = yield* PgCatalog.get(catalog, input.pg)
    const name = input.name === undefined ? defaultName(provider.code, input.mode, input.paymentType) : yield* checkName(input.name)
    return yield* assemble(provider, input, name)
  })

/**
 * PortOne's console takes letters, digits, spaces, `_` and `-` in a channel name. Names stored
 * before this rule keep working; only a name being set is checked.
 */
const checkName = (name: string): Result.Result<string, DomainError> =>
  /^[\p{L}\p{N} _-]+$/u.test(name)
    ? Result.succeed(name)
    : Result.fail(
        new InvalidInput({
          field: "name",
          value: JSON.stringify(name.slice(0, 100)),
          rule: "a channel name takes letters, digits, spaces, _ and - only"
        })
      )

/** The console's default name: `kcp test window general`. */
const defaultName = (pg: string, mode: Mode, type: PaymentType): string => `${pg} ${mode} ${type.replace(".", " ")}`

const assemble = (provider: PgCatalog.PgProvider, input: ChannelInput, name: string): Result.Result<PaymentChannel, DomainError> =>
  Result.gen(function* () {
    if (!PgCatalog.paymentTypesOf(provider).includes(input.paymentType)) {
      const offered = PgCatalog.paymentTypesOf(provider).join(", ")
      return yield* violation("payment-type-unsupported", `${provider.code} does not offer ${input.paymentType}; it offers ${offered}`)
    }
    const payMethods = yield* checkPayMethods(provider, input.paymentType, input.payMethods)
    const { mid, source } = yield* resolveMid(provider, input.mode, input.paymentType, payMethods, input.mid)
    const credentials = yield* Credentials.validate(provider, input.paymentType, input.credentials ?? {}, {
      requireAll: source === "own"
    })
    return yield* decodeChannel({
      key: input.key,
      merchant: input.merchant,
      mode: input.mode,
      pg: provider.code,
      mid,
      name,
      purpose: purposeOf(input.paymentType),
      paymentType: input.paymentType,
      payMethods,
      taxType: input.taxType ?? "taxable",
      credentialSource: source,
      credentials,
      enabled: input.enabled ?? true,
      sequence: input.sequence,
      createdAt: input.createdAt,
      version: 0
    })
  })

/**
 * What an edit may change. PG and payment type are fixed for a channel's life: add a new channel
 * instead. `credentials` merges (an empty string removes an optional field). `mid: null` asks for
 * the PG's shared test credential.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelPatch = Schema.Struct({
  name: Schema.optional(Schema.String),
  mode: Schema.optional(Mode),
  mid: Schema.optional(Schema.NullOr(Schema.String)),
  payMethods: Schema.optional(Schema.Array(Schema.String)),
  taxType: Schema.optional(TaxType),
  credentials: Schema.optional(Schema.Record(Schema.String, Credentials.InputValue)),
  enabled: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelPatch extends Schema.Schema.Type<typeof ChannelPatch> {}

// An edit may come unchecked from JSON: `credentials: null` crashed the merge, and a `null` pay
// method list or tax type was taken for "unchanged".
const decodePatch = decodeWith(ChannelPatch)

/**
 * Applies an edit and re-checks every rule, except for an edit that only disables the channel,
 * which is always allowed. A channel with its own MID changes mode only with the new mode's MID
 * named (`mid`), or, into test, with `mid: null` for the shared test credential: its MID and
 * credentials belong to the old mode and are never dropped unasked (`mode-change-needs-mid`).
 * Switching a shared-test channel to live needs the merchant's own MID and credentials. The
 * version is left as read: the store bumps it.
 *
 * @since 0.1.0
 * @category combinators
 */
export const edit = (
  catalog: PgCatalog.PgCatalog,
  channel: PaymentChannel,
  unchecked: ChannelPatch
): Result.Result<PaymentChannel, DomainError> => {
  const decoded = decodePatch(unchecked)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const patch = decoded.success
  // Switching a channel off changes nothing the catalog checks, so it is never refused for a rule
  // the catalog added after the channel was saved: such a channel can always be disabled.
  const onlyDisables =
    patch.enabled === false && Object.entries(patch).every(([field, value]) => field === "enabled" || value === undefined)
  if (onlyDisables) return Result.succeed({ ...channel, enabled: false })
  const mode = patch.mode ?? channel.mode
  const modeChanges = mode !== channel.mode
  if (modeChanges && patch.mid === undefined && channel.credentialSource === "own") {
    const shared = mode === "test" ? ", or ask for the shared test credential" : ""
    return Result.fail(
      new RuleViolation({
        rule: "mode-change-needs-mid",
        detail: `channel ${channel.key} holds the ${channel.mode} MID ${channel.mid} and its credentials; moving it to ${mode} would drop them: name the ${mode} MID (with its credentials)${shared}`
      })
    )
  }
  let mid: string | undefined
  if (patch.mid === null) mid = undefined
  else if (patch.mid !== undefined) mid = patch.mid
  else if (modeChanges) mid = undefined
  else mid = channel.credentialSource === "own" || mode === "live" ? channel.mid : undefined
  // The merchant's own credentials belong to its own MID: moving onto the shared test
  // credential drops them rather than keeping live secrets on a test channel.
  const movesToShared = mode === "test" && mid === undefined && channel.credentialSource === "own"
  const base = movesToShared ? {} : channel.credentials
  const credentials = patch.credentials === undefined ? base : Credentials.merge(base, patch.credentials)
  return Result.gen(function* () {
    const provider = yield* PgCatalog.get(catalog, channel.pg)
    const name = patch.name === undefined ? channel.name : yield* checkName(patch.name)
    const next = yield* assemble(
      provider,
      {
        key: channel.key,
        merchant: channel.merchant,
        mode,
        pg: channel.pg,
        mid,
        paymentType: channel.paymentType,
        payMethods: patch.payMethods ?? channel.payMethods,
        taxType: patch.taxType ?? channel.taxType,
        credentials,
        enabled: patch.enabled ?? channel.enabled,
        sequence: channel.sequence,
        createdAt: channel.createdAt
      },
      name
    )
    return { ...next, version: channel.version }
  })
}

/**
 * The `pg` string that selects this channel in `request_pay`: `{pg code}.{MID}`.
 *
 * @since 0.1.0
 * @category getters
 */
export const pgString = (channel: PaymentChannel): string => `${channel.pg}.${channel.mid}`

/**
 * A channel as a console shows it: secret credentials masked. Safe to print or serialise.
 *
 * @since 0.1.0
 * @category getters
 */
export const view = (
  catalog: PgCatalog.PgCatalog,
  channel: PaymentChannel
): Omit<PaymentChannel, "credentials"> & {
  readonly credentials: Record<string, string>
} => ({ ...channel, credentials: Credentials.view(catalog.providers.get(channel.pg), channel.credentials) })
