/**
 * `paymux webhook`: `sign` and `verify` work on a body file and a secret alone (no store);
 * `set`, `show`, `test`, `history` and `resend` work on a merchant's stored settings.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import * as Output from "../Output.ts"
import { action } from "../Root.ts"
import { storedCommands } from "./WebhookStored.ts"

// The signer and verifier load when sign or verify runs, not for --help.
const loadWebhooks = Effect.promise(() => import("@paymux/webhooks"))

const secretFlag = Flag.Redacted("secret").pipe(
  Flag.withDescription("The whsec_ secret; prefer the PAYMUX_WEBHOOK_SECRET environment variable to keep it out of shell history"),
  Flag.optional
)

const bodyFile = Argument.String("bodyfile").pipe(Argument.withDescription("File holding the exact body bytes (- for standard input)"))

const secretFrom = (flag: Option.Option<Redacted.Redacted<string>>) => {
  if (Option.isSome(flag)) return Effect.succeed(flag.value)
  const env = process.env.PAYMUX_WEBHOOK_SECRET
  return env !== undefined && env !== ""
    ? Effect.succeed(Redacted.make(env))
    : Effect.fail(CliFailure.badInput("no webhook secret given", "pass --secret whsec_... or set PAYMUX_WEBHOOK_SECRET"))
}

const readBody = (path: string) =>
  Effect.try({
    try: (): Uint8Array => readFileSync(path === "-" ? 0 : path),
    catch: (e) =>
      CliFailure.badInput(
        `cannot read the body file ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        "give the path of a file holding the exact body bytes, or - for standard input"
      )
  })

const sign = Command.make(
  "sign",
  {
    secret: secretFlag,
    id: Flag.String("id").pipe(Flag.withDescription("The webhook-id (message id), e.g. msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")),
    timestamp: Flag.Int("timestamp").pipe(Flag.withDescription("Seconds since the epoch (default: now)"), Flag.optional),
    body: bodyFile
  },
  ({ body, id, secret, timestamp }) =>
    action(({ out }) =>
      Effect.gen(function* () {
        const key = yield* secretFrom(secret)
        const { WebhookSigner } = yield* loadWebhooks
        const signer = yield* Effect.fromResult(WebhookSigner.makeResult({ secrets: [key] }))
        const bytes = yield* readBody(body)
        const ts = Option.isSome(timestamp) ? timestamp.value : Math.floor((yield* Clock.currentTimeMillis) / 1000)
        const headers = yield* Effect.try({
          try: () => signer.sign({ id, timestamp: ts, body: bytes }),
          catch: (e) =>
            CliFailure.badInput(
              (e as Error).message,
              "the id must be non-empty without '.' or control characters, the timestamp a non-negative integer number of seconds"
            )
        })
        yield* out.result(headers, () =>
          Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\n")
        )
      })
    )
).pipe(Command.withDescription("Sign a body file the Standard Webhooks way and print the three headers (no store)"))

const verify = Command.make(
  "verify",
  {
    secret: secretFlag,
    header: Flag.KeyValuePair("header").pipe(
      Flag.withDescription("A received header as name=value (repeat for webhook-id, webhook-timestamp, webhook-signature)"),
      Flag.optional
    ),
    tolerance: Flag.Int("tolerance").pipe(
      Flag.withDescription("Allowed clock skew in seconds"),
      Flag.filter(
        (n) => n >= 0,
        (n) => `--tolerance must be 0 or more seconds, got ${n}`
      ),
      Flag.withDefault(300)
    ),
    now: Flag.Int("now").pipe(Flag.withDescription("Verify as of this time, in seconds since the epoch (default: now)"), Flag.optional),
    body: bodyFile
  },
  ({ body, header, now, secret, tolerance }) =>
    action(({ out }) =>
      Effect.gen(function* () {
        const key = yield* secretFrom(secret)
        const { WebhookVerifier } = yield* loadWebhooks
        const verifier = yield* Effect.fromResult(WebhookVerifier.makeResult({ secrets: [key], toleranceSeconds: tolerance }))
        const bytes = yield* readBody(body)
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(Option.getOrElse(header, () => ({})))) headers[k.toLowerCase()] = v
        const at = Option.isSome(now) ? now.value * 1000 : yield* Clock.currentTimeMillis
        const result = verifier.verify(bytes, headers, { now: at })
        if (Result.isSuccess(result)) {
          return yield* out.result(
            { valid: true, ...result.success },
            () => `valid: ${result.success.id} signed at ${Output.time(result.success.timestamp * 1000)}`
          )
        }
        const error = result.failure
        yield* out.result({ valid: false, reason: error._tag, message: error.message }, () => `invalid: ${error.message} (${error._tag})`)
        return yield* Effect.fail(CliFailure.negativeAnswer(error._tag, error.message))
      })
    )
).pipe(Command.withDescription("Verify a body file against received webhook headers (no store)"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("webhook").pipe(
  Command.withDescription("Webhooks: sign and verify (no store); settings, endpoints, test sends, history and resends"),
  Command.withSubcommands([sign, verify, ...storedCommands])
)
