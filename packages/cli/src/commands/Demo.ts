/**
 * `paymux demo`: the whole "Integrate payment" page on a fresh SQLite file, step by step. What
 * `npm start` runs.
 *
 * @since 0.1.0
 */
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import { merchant } from "../demo/merchant.ts"
import * as Narrator from "../demo/Narrator.ts"
import { action } from "../Root.ts"
import { readSqlite, withStore } from "../Store.ts"

const companions = ["-wal", "-shm", "-journal", ".key"]

const removeDatabase = (path: string) => {
  for (const suffix of ["", ...companions]) rmSync(path + suffix, { force: true })
}

/**
 * Whether `path` may be recreated: nothing is there (an empty file counts as nothing), or a
 * database an earlier `demo --keep` left (its only merchant is the demo's). Anything else, a real
 * database or another file, or a key file beside a database moved away, is refused before
 * anything is deleted.
 */
const mayRecreate = (path: string): Effect.Effect<boolean> =>
  !existsSync(path) || (statSync(path).isFile() && statSync(path).size === 0)
    ? Effect.succeed(!companions.some((suffix) => existsSync(path + suffix)))
    : readSqlite(path, (db) => db.prepare("SELECT code FROM paymux_merchants").all() as Array<{ code: unknown }>).pipe(
        Effect.map((codes) => codes.length === 1 && codes[0]!.code === merchant),
        // Not a database, or not one with merchants: not the demo's.
        Effect.orElseSucceed(() => false)
      )

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "demo",
  {
    file: Flag.String("file").pipe(
      Flag.withDescription(
        "SQLite file to build the demo in: a new path, or one an earlier demo --keep left, recreated each run (default: a new temporary directory)"
      ),
      Flag.optional
    ),
    keep: Flag.Boolean("keep").pipe(
      Flag.withDescription("Keep the database afterwards to explore it with other commands"),
      Flag.withDefault(false)
    )
  },
  ({ file, keep }) =>
    action((ctx) =>
      Effect.gen(function* () {
        const tempDir = Option.isNone(file) ? mkdtempSync(join(tmpdir(), "paymux-demo-")) : undefined
        const db = Option.isSome(file) ? resolve(file.value) : join(tempDir!, "demo.db")
        if (!(yield* mayRecreate(db))) {
          return yield* CliFailure.badInput(
            `${db} exists and is not a demo database: the demo recreates its file, so it does not take this one`,
            "give a new path, or leave out --file for a temporary directory"
          )
        }
        removeDatabase(db)
        const n = Narrator.make(ctx.out, 8)
        yield* ctx.out.say(`Paymux demo: the "Integrate payment" console page as an API, on a fresh SQLite file\n  ${db}`)
        // The demo's steps (and the webhook engine of its receiver) load only when it runs.
        const DemoSteps = yield* Effect.promise(() => import("../demo/DemoSteps.ts"))
        const started = Date.now()
        yield* withStore(
          { ...ctx, db, announceStore: false },
          Effect.gen(function* () {
            yield* DemoSteps.merchantAndTier(n)
            const keys = yield* DemoSteps.channels(n)
            yield* DemoSteps.naverPay(n)
            yield* DemoSteps.defaults(n, keys)
            yield* DemoSteps.resolutions(n)
            yield* DemoSteps.whitelist(n)
            yield* DemoSteps.webhook(n)
            yield* DemoSteps.apiKeys(n)
          })
        ).pipe(
          Effect.ensuring(
            Effect.sync(() => {
              if (keep) return
              if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true })
              else removeDatabase(db)
            })
          )
        )
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        yield* ctx.out.result({ ok: true, db, kept: keep, merchant: DemoSteps.merchant, steps: n.facts() }, () =>
          [
            `\nDone in ${seconds} s.`,
            keep
              ? `Explore it: paymux --db ${db} channel list --merchant ${DemoSteps.merchant}`
              : `Run with --keep to explore the database afterwards (paymux demo --keep), or try: paymux pg show naverpay`
          ].join("\n")
        )
      })
    )
).pipe(Command.withDescription("Run the whole console page end to end on a fresh SQLite file"))
