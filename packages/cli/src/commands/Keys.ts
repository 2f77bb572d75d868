/**
 * `paymux keys reseal`: the middle step of a master-key rotation. With the new key first in
 * `PAYMUX_MASTER_KEYS` (or the key file) and the old one after it, it seals every stored secret
 * again under the new key; once it reports nothing unreadable, the old key can be dropped.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import * as CliFailure from "../CliFailure.ts"
import { MasterKeys } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { withStore } from "../Store.ts"

const reseal = Command.make("reseal", {}, () =>
  action((ctx) =>
    Effect.gen(function* () {
      const report = yield* withStore(ctx, MasterKeys.reseal())
      yield* ctx.out.result(report, () =>
        [
          `Sealed again under master key ${report.keyId} (the first configured): the credentials of ${report.channels} channel(s) and the webhook signing secrets of ${report.webhookSecrets} mode(s), across ${report.merchants} merchant(s).`,
          ...(report.unreadable.length === 0
            ? [`Nothing names another key now: keys other than ${report.keyId} can be dropped.`]
            : ["These do not open with the configured keys and were left as they are:", ...report.unreadable.map((u) => `  ${u}`)])
        ].join("\n")
      )
      if (report.unreadable.length > 0) {
        return yield* Effect.fail(
          CliFailure.negativeAnswer(
            "SecretsUnreadable",
            `${report.unreadable.length} stored secret(s) do not open with the configured keys`
          )
        )
      }
    })
  )
).pipe(
  Command.withDescription(
    "Seal every stored secret again under the current master key (run it between adding a new key first and dropping the old one; exit 1 if some do not open)"
  )
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("keys").pipe(
  Command.withDescription("Master keys: re-seal stored secrets during a key rotation"),
  Command.withSubcommands([reseal])
)
