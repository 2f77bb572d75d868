/**
 * Webhook payloads as Schemas: the V1 body (JSON or form encoded) and typed V2-style events
 * `{ type, timestamp, data }`. Parsing tolerates unknown fields and unknown event types; an
 * unknown type becomes the `Unknown` variant, not an error.
 *
 * @since 0.1.0
 */
import { Result, Schema, SchemaIssue } from "effect"

/**
 * The V1 body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const V1 = Schema.Struct({
  imp_uid: Schema.String,
  merchant_uid: Schema.String,
  status: Schema.String,
  cancellation_id: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category models
 */
export type V1 = typeof V1.Type

/**
 * How a V1 body is encoded on the wire.
 *
 * @since 0.1.0
 * @category models
 */
export type V1Encoding = "json" | "form"

/**
 * A payload could not be parsed. `detail` never repeats the payload.
 *
 * @since 0.1.0
 * @category errors
 */
export class MalformedNotification extends Schema.TaggedError<MalformedNotification>()("MalformedNotification", {
  detail: Schema.String
}) {
  override get message(): string {
    return `malformed notification: ${this.detail}`
  }
}

/**
 * Data of `Transaction.*` events.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransactionData = Schema.Struct({
  storeId: Schema.String,
  paymentId: Schema.String,
  transactionId: Schema.String,
  cancellationId: Schema.optionalKey(Schema.String)
})

/**
 * Data of `BillingKey.*` events.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillingKeyData = Schema.Struct({
  storeId: Schema.optionalKey(Schema.String),
  billingKey: Schema.String
})

/**
 * Every `Transaction.*` event type.
 *
 * @since 0.1.0
 * @category constants
 */
export const transactionTypes = [
  "Transaction.Ready",
  "Transaction.Paid",
  "Transaction.VirtualAccountIssued",
  "Transaction.PartialCancelled",
  "Transaction.Cancelled",
  "Transaction.Failed",
  "Transaction.PayPending",
  "Transaction.CancelPending",
  "Transaction.DisputeCreated",
  "Transaction.DisputeResolved"
] as const

/**
 * Every `BillingKey.*` event type.
 *
 * @since 0.1.0
 * @category constants
 */
export const billingKeyTypes = [
  "BillingKey.Ready",
  "BillingKey.Issued",
  "BillingKey.Failed",
  "BillingKey.Deleted",
  "BillingKey.Updated"
] as const

/**
 * A `Transaction.*` event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TransactionEvent = Schema.Struct({
  type: Schema.Literals(transactionTypes),
  timestamp: Schema.String,
  data: TransactionData
})

/**
 * A `BillingKey.*` event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BillingKeyEvent = Schema.Struct({
  type: Schema.Literals(billingKeyTypes),
  timestamp: Schema.String,
  data: BillingKeyData
})

/**
 * The event sent by "test send".
 *
 * @since 0.1.0
 * @category schemas
 */
export const TestEvent = Schema.Struct({
  type: Schema.Literal("Webhook.Test"),
  timestamp: Schema.String,
  data: Schema.Record(Schema.String, Schema.Unknown)
})

/**
 * Any known event.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KnownEvent = Schema.Union([TransactionEvent, BillingKeyEvent, TestEvent])

/**
 * @since 0.1.0
 * @category models
 */
export type KnownEvent = typeof KnownEvent.Type

/**
 * An event whose `type` this version does not know; `originalType` keeps what was sent.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownEvent {
  readonly type: "Unknown"
  readonly originalType: string
  readonly timestamp: string
  readonly data: unknown
}

/**
 * What `parse` returns: switch on `type`.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = KnownEvent | UnknownEvent

const Envelope = Schema.Struct({ type: Schema.String, timestamp: Schema.String, data: Schema.Unknown })
const decodeEnvelope = Schema.decodeUnknownResult(Envelope)
const decodeKnown = Schema.decodeUnknownResult(KnownEvent)
const known: ReadonlySet<string> = new Set<string>([...transactionTypes, ...billingKeyTypes, "Webhook.Test"])

const fail = (detail: string): Result.Result<never, MalformedNotification> => Result.fail(new MalformedNotification({ detail }))

const json = (text: string | Uint8Array): Result.Result<unknown, MalformedNotification> => {
  try {
    return Result.succeed(JSON.parse(typeof text === "string" ? text : Buffer.from(text).toString("utf8")))
  } catch {
    return fail("body is not valid JSON")
  }
}

/**
 * Parses an event from its raw JSON body or from an already parsed value.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string | Uint8Array | object): Result.Result<Event, MalformedNotification> => {
  const value = typeof input === "string" || input instanceof Uint8Array ? json(input) : Result.succeed(input)
  if (Result.isFailure(value)) return Result.fail(value.failure)
  const envelope = decodeEnvelope(value.success)
  if (Result.isFailure(envelope)) return fail("expected { type, timestamp, data }")
  const { type, timestamp, data } = envelope.success
  if (!known.has(type)) return Result.succeed({ type: "Unknown", originalType: type, timestamp, data })
  const event = decodeKnown(value.success)
  return Result.isSuccess(event) ? Result.succeed(event.success) : fail(`malformed data for ${type}`)
}

/**
 * Parses a V1 body. `contentType` picks the decoder; without it, a body starting with `{` is JSON.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseV1 = (body: string | Uint8Array, contentType?: string): Result.Result<V1, MalformedNotification> => {
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8")
  const isJson = contentType !== undefined ? contentType.toLowerCase().includes("json") : text.trimStart().startsWith("{")
  let value: unknown
  if (isJson) {
    const parsed = json(text)
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
    value = parsed.success
  } else {
    value = Object.fromEntries(new URLSearchParams(text))
  }
  const decoded = Schema.decodeUnknownResult(V1)(value)
  return Result.isSuccess(decoded) ? Result.succeed(decoded.success) : fail("expected imp_uid, merchant_uid and status")
}

/**
 * Encodes a V1 body and returns it with its content type.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeV1 = (body: V1, encoding: V1Encoding): { readonly body: string; readonly contentType: string } => {
  const fields: Record<string, string> = {
    imp_uid: body.imp_uid,
    merchant_uid: body.merchant_uid,
    status: body.status
  }
  if (body.cancellation_id !== undefined) fields.cancellation_id = body.cancellation_id
  return encoding === "json"
    ? { body: JSON.stringify(fields), contentType: "application/json" }
    : { body: new URLSearchParams(fields).toString(), contentType: "application/x-www-form-urlencoded" }
}

/**
 * Encodes an event as its JSON body.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (event: KnownEvent): string => JSON.stringify(event)

/**
 * How deep an event's `data` may nest, counting each object and array: deeper data is refused
 * before it is queued, so neither the encoder nor a receiver has to walk it.
 *
 * @since 0.1.0
 * @category encoding
 */
export const maxDataDepth = 32

/**
 * Why `data` cannot be an event's data, or `undefined` when it can: JSON values (no bigint,
 * function or symbol) nested at most `maxDataDepth` levels. A cycle nests without end, so it is
 * refused as too deep.
 *
 * @since 0.1.0
 * @category encoding
 */
export const dataProblem = (data: unknown): string | undefined => problemAt(data, [])

// `within`: the objects and arrays this value sits in, outermost first.
const problemAt = (value: unknown, within: Array<object>): string | undefined => {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return undefined
    case "object": {
      if (value === null) return undefined
      if (within.includes(value)) return "holds itself (a cycle), which JSON cannot carry"
      if (within.length === maxDataDepth) return `nests deeper than ${maxDataDepth} levels of objects and arrays`
      within.push(value)
      for (const child of Array.isArray(value) ? value : Object.values(value)) {
        const problem = problemAt(child, within)
        if (problem !== undefined) return problem
      }
      within.pop()
      return undefined
    }
    default:
      return `holds a ${typeof value}, which JSON cannot carry`
  }
}

const dataSchemas: ReadonlyArray<readonly [ReadonlyArray<string>, Schema.Top & { readonly DecodingServices: never }]> = [
  [transactionTypes, TransactionData],
  [billingKeyTypes, BillingKeyData],
  [["Webhook.Test"], TestEvent.fields.data]
]
const dataDecoders = new Map(
  dataSchemas.flatMap(([types, schema]) => {
    const decode = Schema.decodeUnknownResult(schema)
    return types.map((type) => [type, decode] as const)
  })
)
const describeIssue = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Why `data` cannot be the data of an event of `type`, or `undefined` when it can: it must pass
 * `dataProblem`, and an event of a type this version knows must carry the fields `parse` reads
 * (`Transaction.Paid` with only a `paymentId` would be refused by every receiver that uses
 * `parse`). Data of an unknown type is the sender's own.
 *
 * @since 0.1.0
 * @category encoding
 */
export const eventProblem = (type: string, data: unknown): string | undefined => {
  const problem = dataProblem(data)
  if (problem !== undefined) return problem
  // Checked as it goes on the wire: JSON leaves out fields that are `undefined`.
  const decoded = dataDecoders.get(type)?.(data === undefined ? undefined : JSON.parse(JSON.stringify(data)))
  if (decoded === undefined || Result.isSuccess(decoded)) return undefined
  const first = describeIssue(decoded.failure.issue).issues[0]
  const path = (first?.path ?? []).map((segment) =>
    String(typeof segment === "object" && segment !== null && "key" in segment ? segment.key : segment)
  )
  return `${type} data${path.length === 0 ? "" : `.${path.join(".")}`}: ${first?.message ?? "does not match the event"}`
}

/**
 * The JSON body of an event of any type, `{ type, timestamp, data }`, timestamped at `at` (epoch
 * milliseconds): what Paymux queues when it emits an event. `data` must pass `dataProblem`.
 *
 * @since 0.1.0
 * @category encoding
 */
export const eventBody = (type: string, data: unknown, at: number): string =>
  JSON.stringify({ type, timestamp: new Date(at).toISOString(), data })

/**
 * V1 notified a paid payment, an issued virtual account (`ready`), a deposit (`paid`), a scheduled
 * payment paid or failed, and a cancellation. Not `Transaction.Ready`: in V2 it means a payment
 * window opened, where V1's `ready` means a virtual account was issued. `Transaction.Failed` is
 * kept although V1 sent `failed` for scheduled payments only: an event does not say whether its
 * payment was scheduled, and a dropped failure of one would be a notification lost.
 */
const v1Statuses: Readonly<Record<string, string>> = {
  "Transaction.VirtualAccountIssued": "ready",
  "Transaction.Paid": "paid",
  "Transaction.Cancelled": "cancelled",
  "Transaction.PartialCancelled": "cancelled",
  "Transaction.Failed": "failed"
}

/**
 * Whether V1 sent events of this type, so that a V1 body (`toV1`) exists for a well-formed one.
 *
 * @since 0.1.0
 * @category encoding
 */
export const sentByV1 = (type: string): boolean => Object.hasOwn(v1Statuses, type)

/**
 * The V1 body of an event, as V1 would have sent it: `imp_uid` is the transaction id,
 * `merchant_uid` the payment id, `status` one of `ready` (a virtual account issued), `paid`,
 * `cancelled` (also a partial cancellation, with its `cancellation_id`) or `failed`. Events V1
 * never sent (a payment window opened, billing keys, disputes, pending states, tests, unknown
 * types) have none.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toV1 = (event: Event): V1 | undefined => {
  const status = v1Statuses[event.type]
  if (status === undefined) return undefined
  const data = (event as typeof TransactionEvent.Type).data
  return {
    imp_uid: data.transactionId,
    merchant_uid: data.paymentId,
    status,
    ...(data.cancellationId === undefined ? {} : { cancellation_id: data.cancellationId })
  }
}
