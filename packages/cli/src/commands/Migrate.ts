/**
 * `paymux migrate`: the deploy step that upgrades a database to this release's schema. It is the
 * only command that migrates; the others refuse a database an older release wrote (see
 * `Store.layer`), so a check run with a new release cannot switch the live database under the
 * old one.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Command from "effect/cli/Command"
import { action } from "../Root.ts"
import { appliedSchemaVersion, parseExistingTarget, releaseSchemaVersion, runAt } from "../Store.ts"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("migrate", {}, () =>
  action((ctx) =>
    Effect.gen(function* () {
      const target = yield* parseExistingTarget(ctx.db)
      const from = yield* appliedSchemaVersion(target)
      // Opening the store migrates it and then checks the configured keys, as a store opened by a
      // library does.
      yield* runAt(target, ctx, Effect.void, { migrate: true })
      const to = yield* releaseSchemaVersion(target)
      yield* ctx.out.result({ from, to, migrated: to !== from }, () =>
        to === from
          ? `The database schema is already at version ${to}; nothing to do.`
          : from === 0
            ? `Created the database schema at version ${to}.`
            : `Migrated the database schema from version ${from} to ${to}.`
      )
    })
  )
).pipe(
  Command.withDescription(
    "Upgrade the database to this release's schema (back it up and stop the older release first); the other commands refuse an older schema"
  )
)
