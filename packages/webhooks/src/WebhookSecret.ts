/**
 * Webhook secrets (`whsec_` + base64 of 24-64 random bytes): generation, parsing and rotation.
 * A parsed secret holds its text as `Redacted` and its decoded key privately, so it never shows in
 * messages, `toString` or JSON.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Redacted, Result } from "effect"
import { InvalidSecret } from "./WebhookError.ts"
import * as internal from "./internal/secret.ts"

/**
 * A validated secret. Its key was decoded once, when it was parsed.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookSecret {
  readonly redacted: Redacted.Redacted<string>
  toString(): string
  toJSON(): string
}

/**
 * What `parse` accepts: the `whsec_...` text, plain or `Redacted`, or an already parsed secret.
 *
 * @since 0.1.0
 * @category models
 */
export type SecretInput = string | Redacted.Redacted<string> | WebhookSecret

/**
 * One or two active secrets, newest last. Two exist only while a rotation is in progress.
 *
 * @since 0.1.0
 * @category models
 */
export type ActiveSecrets = readonly [WebhookSecret] | readonly [WebhookSecret, WebhookSecret]

/**
 * Which secrets `parse` takes. `standard`: `whsec_` and canonical base64 of 24-64 bytes, the
 * secrets Paymux generates and signs with. `verify`: also what PortOne's server SDK takes (the
 * prefix optional, padding optional, any non-empty key), so a merchant can verify PortOne's own
 * webhooks; `WebhookVerifier` reads secrets this way.
 *
 * @since 0.1.0
 * @category models
 */
export type Format = "standard" | "verify"

/**
 * Validates a secret.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parse = (input: SecretInput, format: Format = "standard"): Result.Result<WebhookSecret, InvalidSecret> => {
  if (internal.isSecret(input)) return Result.succeed(input)
  const redacted = Redacted.isRedacted(input) ? input : Redacted.make(input as string)
  const text = Redacted.value(redacted)
  if (typeof text !== "string") return Result.fail(new InvalidSecret({ detail: "expected a string" }))
  const key = internal.decode(text, format)
  return typeof key === "string" ? Result.fail(new InvalidSecret({ detail: key })) : Result.succeed(new internal.SecretImpl(redacted, key))
}

/**
 * Validates a secret, throwing `InvalidSecret` when it is malformed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseUnsafe = (input: SecretInput): WebhookSecret => Result.getOrThrow(parse(input))

/**
 * Generates a fresh secret from `byteLength` (24-64, default 32) cryptographically random bytes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const generate = (byteLength: number = 32): WebhookSecret => {
  if (!Number.isInteger(byteLength) || byteLength < 24 || byteLength > 64) {
    throw new InvalidSecret({ detail: `byteLength must be an integer in 24-64, got ${byteLength}` })
  }
  return parseUnsafe(Redacted.make(`whsec_${randomBytes(byteLength).toString("base64")}`))
}

/**
 * Validates a list of one or two secrets.
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseActive = (
  inputs: ReadonlyArray<SecretInput>,
  format: Format = "standard"
): Result.Result<ActiveSecrets, InvalidSecret> => {
  if (inputs.length < 1 || inputs.length > 2) {
    return Result.fail(new InvalidSecret({ detail: `expected 1 or 2 active secrets, got ${inputs.length}` }))
  }
  const parsed: Array<WebhookSecret> = []
  for (const input of inputs) {
    const r = parse(input, format)
    if (Result.isFailure(r)) return Result.fail(r.failure)
    parsed.push(r.success)
  }
  return Result.succeed(parsed as unknown as ActiveSecrets)
}

/**
 * Starts a rotation: adds `next` beside the current secret. Fails when two are already active.
 *
 * @since 0.1.0
 * @category rotation
 */
export const rotate = (active: ActiveSecrets, next: SecretInput = generate()): Result.Result<ActiveSecrets, InvalidSecret> => {
  if (active.length === 2) {
    return Result.fail(new InvalidSecret({ detail: "two secrets are already active; retire the older or cancel the rotation first" }))
  }
  return Result.map(parse(next), (s): ActiveSecrets => [active[0], s])
}

/**
 * Ends a rotation: drops the oldest secret. Fails when only one is active.
 *
 * @since 0.1.0
 * @category rotation
 */
export const retire = (active: ActiveSecrets): Result.Result<ActiveSecrets, InvalidSecret> =>
  active.length === 2
    ? Result.succeed([active[1]])
    : Result.fail(new InvalidSecret({ detail: "only one secret is active; nothing to retire" }))

/**
 * Cancels a rotation: drops the newer secret, the one `rotate` added, and keeps the older, which
 * receivers still hold. The way back from a rotation whose new secret was lost: `retire` would
 * leave only that unknown secret signing. Fails when only one is active.
 *
 * @since 0.1.0
 * @category rotation
 */
export const cancelRotation = (active: ActiveSecrets): Result.Result<ActiveSecrets, InvalidSecret> =>
  active.length === 2
    ? Result.succeed([active[0]])
    : Result.fail(new InvalidSecret({ detail: "only one secret is active; no rotation to cancel" }))

/**
 * Reveals the `whsec_...` text, for storing it. Handle with care.
 *
 * @since 0.1.0
 * @category getters
 */
export const reveal = (secret: WebhookSecret): string => Redacted.value(secret.redacted)
