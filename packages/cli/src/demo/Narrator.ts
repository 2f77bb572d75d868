/**
 * How `paymux demo` tells its story: numbered steps with a few indented lines each, a progress
 * counter for steps with several parts (redrawn in place on a terminal), and, with `--json`, the
 * same facts collected into one document printed at the end.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Output from "../Output.ts"

/**
 * @since 0.1.0
 * @category models
 */
export interface Narrator {
  readonly step: (title: string) => Effect.Effect<void>
  readonly line: (text: string, fact?: Record<string, unknown>) => Effect.Effect<void>
  readonly progress: (label: string, done: number, total: number) => Effect.Effect<void>
  readonly facts: () => ReadonlyArray<{ readonly step: string; readonly facts: ReadonlyArray<Record<string, unknown>> }>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (out: Output.Output, totalSteps: number): Narrator => {
  const steps: Array<{ step: string; facts: Array<Record<string, unknown>> }> = []
  const tty = process.stdout.isTTY === true && !out.json
  let n = 0
  return {
    step: (title) =>
      Effect.suspend(() => {
        n++
        steps.push({ step: title, facts: [] })
        return out.say(`\n[${n}/${totalSteps}] ${title}`)
      }),
    line: (text, fact) =>
      Effect.suspend(() => {
        if (fact !== undefined) steps.at(-1)?.facts.push(fact)
        return out.say(`      ${text.split("\n").join("\n      ")}`)
      }),
    progress: (label, done, total) =>
      Effect.sync(() => {
        if (!tty) return
        process.stdout.write(
          `\r      ${label} ${"#".repeat(done)}${".".repeat(total - done)} ${done}/${total}${done === total ? "\r\x1b[K" : ""}`
        )
      }),
    facts: () => steps
  }
}
