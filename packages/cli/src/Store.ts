/**
 * The store behind the store-backed commands: parsed from `--db`, opened only when such a
 * command runs (stateless commands never touch it), with the adapter loaded on demand so
 * neither better-sqlite3 nor the PostgreSQL client is loaded for `--help` or `pg list`.
 *
 * @since 0.1.0
 */
import { userInfo } from "node:os"
import { AdminContext, type AdminServices, ResolverCache } from "@paymux/admin"
import type { StoreError } from "@paymux/store"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Flag from "effect/cli/Flag"
import * as CliFailure from "./CliFailure.ts"
import * as KeyFile from "./KeyFile.ts"
import type { Context } from "./Root.ts"

/**
 * What `--db` names.
 *
 * @since 0.1.0
 * @category models
 */
export type Target =
  | { readonly kind: "sqlite-file"; readonly path: string }
  | { readonly kind: "memory" }
  | { readonly kind: "postgres"; readonly url: string }

/**
 * Reads `--db`: `postgres://` or `postgresql://` URLs, `:memory:`, or a SQLite file path.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTarget = (db: string): Effect.Effect<Target, CliFailure.CliFailure> => {
  if (/^postgres(ql)?:\/\//i.test(db)) {
    try {
      new URL(db)
    } catch {
      return Effect.fail(CliFailure.badInput("--db is not a valid postgres:// URL", "postgres://user:password@host:5432/database"))
    }
    return Effect.succeed({ kind: "postgres", url: db })
  }
  if (db === ":memory:") return Effect.succeed({ kind: "memory" })
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
    return Effect.fail(CliFailure.badInput(`--db ${db.replace(/\/\/[^@/]*@/, "//***@")} is not a supported store`, "use a SQLite file path, :memory:, or a postgres:// URL"))
  }
  if (db.trim() === "") return Effect.fail(CliFailure.badInput("--db is empty", "use a SQLite file path, :memory:, or a postgres:// URL"))
  return Effect.succeed({ kind: "sqlite-file", path: db })
}

/**
 * `--merchant`: a merchant code (`imp` + 8 digits).
 *
 * @since 0.1.0
 * @category flags
 */
export const merchantFlag = Flag.String("merchant").pipe(Flag.withAlias("m"), Flag.withDescription("Merchant code, e.g. imp12345678"))

/**
 * The admin services over the store `--db` names, with its master keys (see KeyFile) and a
 * resolver cache. Mentions a newly created key file once on stderr.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (target: Target, options: { readonly announceKeyFile?: boolean | undefined } = {}): Layer.Layer<AdminServices.AdminServices, CliFailure.CliFailure | StoreError.StoreError> =>
  Layer.unwrap(Effect.gen(function*() {
    const keys = yield* KeyFile.resolve(target)
    if (keys.source._tag === "KeyFile" && keys.source.created && options.announceKeyFile !== false) {
      yield* Effect.sync(() => process.stderr.write(`note: created the key file ${keys.source._tag === "KeyFile" ? keys.source.path : ""} (mode 0600); back it up with the database\n`))
    }
    const store = target.kind === "postgres"
      ? (yield* Effect.promise(() => import("./internal/postgres.ts"))).layer(target.url)
      : (yield* Effect.promise(() => import("./internal/sqlite.ts"))).layer(target.kind === "memory" ? ":memory:" : target.path)
    return store.pipe(
      Layer.provideMerge(KeyFile.layer(keys.provider)),
      Layer.merge(ResolverCache.layer())
    )
  }))

/**
 * Runs a store-backed program against `--db`, as the CLI actor. Store failures keep their
 * meaning (not found: 1; conflict: 2; unreachable: 3).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withStore = <A, E>(
  ctx: Context,
  program: Effect.Effect<A, E, AdminServices.AdminServices>
): Effect.Effect<A, E | CliFailure.CliFailure | StoreError.StoreError> =>
  Effect.flatMap(parseTarget(ctx.db), (target) =>
    program.pipe(
      AdminContext.withActor({ kind: "cli", id: actorName() }),
      Effect.provide(layer(target, { announceKeyFile: ctx.announceKeyFile }))
    ))

const actorName = (): string => {
  try {
    return userInfo().username
  } catch {
    return "cli"
  }
}
