/**
 * `paymux doctor`: each merchant's readiness findings (see `Doctor` in @paymux/admin): requests
 * without mode that a test and a live channel would both serve, modes that need a webhook URL,
 * and channels a `pg` string cannot select. Exits 1 when there is a problem, so a deploy script
 * can stop on it; notes (how `request_pay` reaches a channel) are shown and do not fail it.
 *
 * @since 0.1.0
 */
import type { Doctor as DoctorTypes } from "@paymux/admin"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "../CliFailure.ts"
import { Doctor, Merchants } from "../internal/lazy.ts"
import { action } from "../Root.ts"
import { checkSqliteFile, merchantFlag, parseExistingTarget, readSqlite, readStore } from "../Store.ts"

const problemsOf = (r: DoctorTypes.Report) => r.findings.filter((f) => f.severity === "problem").length

const render = (reports: ReadonlyArray<DoctorTypes.Report>): string =>
  reports.length === 0
    ? "No merchants."
    : reports
        .map((r) => {
          const notes = r.findings.length - problemsOf(r)
          const summary = [r.ok ? "ok" : `${problemsOf(r)} problem(s)`, ...(notes === 0 ? [] : [`${notes} note(s)`])].join(", ")
          const lines = r.findings.map((f) => `  ${f.severity === "note" ? "note " : ""}[${f.check}] ${f.detail}`)
          return [`${r.merchant}: ${summary}`, ...lines].join("\n")
        })
        .join("\n")

/**
 * Fails when `PRAGMA quick_check` finds the SQLite file damaged (a backup restored over a stale
 * -wal, a disk error): the merchants' checks would read whatever the damage left. Read-only, and
 * before the store opens, so nothing (a migration) is written into a damaged file.
 */
const checkIntegrity = (path: string): Effect.Effect<void, CliFailure.CliFailure> =>
  readSqlite(path, (db) => db.prepare("PRAGMA quick_check(5)").pluck().all() as Array<string>).pipe(
    Effect.catch((e) => {
      const code = (e as { code?: string }).code ?? String(e)
      // SQLite may refuse to read the damage at all rather than describe it.
      return /^SQLITE_(CORRUPT|NOTADB)/.test(code)
        ? Effect.succeed([code])
        : Effect.fail(CliFailure.storeUnavailable(`--db ${path} cannot be read (${code})`))
    }),
    Effect.flatMap((found) =>
      found.length === 1 && found[0] === "ok"
        ? Effect.void
        : Effect.fail(
            new CliFailure.CliFailure({
              exitCode: CliFailure.ExitCode.negative,
              tag: "DatabaseDamaged",
              message: `the database ${path} is damaged (PRAGMA quick_check): ${found.join("; ")}`,
              hint: `stop every paymux process using it and restore a good backup, removing any ${path}-wal and ${path}-shm left beside it first`,
              details: { quickCheck: found }
            })
          )
    )
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("doctor", { merchant: merchantFlag.pipe(Flag.optional) }, ({ merchant }) =>
  action((ctx) =>
    Effect.gen(function* () {
      const target = yield* parseExistingTarget(ctx.db)
      if (target.kind === "sqlite-file") yield* Effect.andThen(checkSqliteFile(target.path), checkIntegrity(target.path))
      const reports = yield* readStore(
        ctx,
        Option.isSome(merchant)
          ? Effect.map(Doctor.check(merchant.value), (r) => [r])
          : Effect.flatMap(Merchants.list(), (all) => Effect.forEach(all, (m) => Doctor.check(m.code)))
      )
      yield* ctx.out.result(reports, () => render(reports))
      const problems = reports.reduce((n, r) => n + problemsOf(r), 0)
      if (problems > 0) return yield* Effect.fail(CliFailure.negativeAnswer("DoctorFindings", `${problems} problem(s)`))
    })
  )
).pipe(Command.withDescription("Check merchants for mode mix-ups, missing webhooks and channels pg cannot select (exit 1 on problems)"))
