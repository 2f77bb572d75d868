/**
 * `paymux pg`: the PG catalog, with credential fields, secret markers, payment types, pay methods
 * and how each PG is tested. Reads no store.
 *
 * @since 0.1.0
 */
import type { PgCatalog } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Output from "../Output.ts"
import { action } from "../Root.ts"

// The catalog (and the schemas that decode it) loads when a pg command runs, not for --help.
const loadCatalog = Effect.promise(() => import("../internal/catalog.ts").then((m) => m.PgCatalog))

const testSummary = (p: PgCatalog.PgProvider): string => {
  switch (p.test.kind) {
    case "shared":
      return p.test.mids.length > 0 ? `shared (${[...new Set(p.test.mids.map((m) => m.mid))].join(", ")})` : "shared (no published MID)"
    case "pg-provided":
      return "PG-provided test MID"
    case "unavailable":
      return "no test mode"
  }
}

const requiredText = (f: PgCatalog.CredentialField): string =>
  typeof f.required === "boolean" ? (f.required ? "required" : "optional") : `required for ${f.required.join(", ")}`

const list = Command.make("list", {}, () =>
  action(({ out }) =>
    Effect.gen(function* () {
      const Catalog = yield* loadCatalog
      const providers = Catalog.list(Catalog.builtIn)
      return yield* out.result(
        providers.map((p) => ({
          code: p.code,
          displayName: p.displayName,
          localName: p.localName,
          paymentTypes: Catalog.paymentTypesOf(p),
          test: p.test
        })),
        () =>
          Output.table(
            ["CODE", "NAME", "PAYMENT TYPES", "TEST"],
            providers.map((p) => [p.code, p.displayName, Catalog.paymentTypesOf(p).join(","), testSummary(p)])
          ) + `\n\n${providers.length} PGs. Details: paymux pg show CODE`
      )
    })
  )
).pipe(Command.withDescription("List the PG catalog"))

const show = Command.make(
  "show",
  {
    code: Argument.String("code").pipe(Argument.withDescription("PG code, e.g. kcp or naverpay"))
  },
  ({ code }) =>
    action(({ out }) =>
      Effect.gen(function* () {
        const Catalog = yield* loadCatalog
        const p = yield* Effect.fromResult(Catalog.get(Catalog.builtIn, code))
        yield* out.result(p, () => {
          const lines = [
            Output.fields([
              ["code", p.code],
              // Some PGs go by one name in both languages (NHN KCP): it is printed once.
              ["name", p.localName === p.displayName ? p.displayName : `${p.displayName} (${p.localName})`],
              ["MID field", `${p.mid.name} (${p.mid.label})`],
              ["test", testSummary(p)]
            ]),
            "",
            "Payment types and pay methods:",
            Output.table(
              ["TYPE", "PAY METHODS"],
              Catalog.paymentTypesOf(p).map((t) => [t, Catalog.payMethodsOf(p, t).join(", ") || "(none: identity verification)"])
            ),
            "",
            "Credential fields (--cred name=value, or --cred-file for secrets):",
            Output.table(
              ["FIELD", "LABEL", "SECRET", "REQUIRED", "FORMAT"],
              p.credentialFields.map((f) => [
                f.name,
                f.label,
                f.secret ? "yes" : "no",
                requiredText(f),
                [f.maxLength ? `max ${f.maxLength}` : "", f.patternDescription ?? ""].filter(Boolean).join("; ")
              ])
            )
          ]
          if (Catalog.selectionOf(p) === "channel-key") lines.push("", "request_pay selects it by channel key only (it has no V1 pg code).")
          if (Catalog.selectionOf(p) === "code-and-mid") lines.push("", `request_pay must name the MID: pg is ${p.code}.MID.`)
          if (p.test.kind === "shared") {
            if (p.test.mids.length > 0) {
              lines.push(
                "",
                "Shared test MIDs:",
                Output.table(
                  ["TYPE", "MID", "PAY METHODS", "NOTE", "SOURCE"],
                  p.test.mids.map((m) => [
                    m.paymentType,
                    m.mid,
                    m.payMethods?.join(", ") ?? "any",
                    m.note,
                    m.source === undefined ? undefined : `${m.source.repo.split("/")[1]}: ${m.source.path.split("/").pop()}`
                  ])
                )
              )
            }
            for (const u of p.test.untested ?? []) lines.push(`No shared test MID for ${u.paymentType}: ${u.note}`)
          } else {
            lines.push("", `Test: ${p.test.note}`)
          }
          if (p.testNotes !== undefined && p.testNotes.length > 0) lines.push("", "Test-mode notes:", ...p.testNotes.map((n) => `- ${n}`))
          if (p.notes !== undefined && p.notes.length > 0) lines.push("", "Notes:", ...p.notes.map((n) => `- ${n}`))
          if (p.sources !== undefined && p.sources.length > 0) {
            lines.push("", "Sources:", ...p.sources.map((s) => `- ${s.repo} ${s.path} (checked ${s.checked})`))
          }
          return lines.join("\n")
        })
      })
    )
).pipe(Command.withDescription("Show one PG: credential fields, payment types, pay methods, test availability"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("pg").pipe(Command.withDescription("The PG catalog (no store)"), Command.withSubcommands([list, show]))
