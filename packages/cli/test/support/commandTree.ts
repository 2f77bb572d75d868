/** The `paymux` command tree as the tests walk it: every leaf command's path, from `Cli.command`. */
import type * as Command from "effect/cli/Command"
import { command } from "../../src/Cli.ts"

const children = (c: Command.Command.Any): ReadonlyArray<Command.Command.Any> => c.subcommands.flatMap((group) => group.commands)

const leavesOf = (c: Command.Command.Any, path: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
  const subs = children(c)
  return subs.length === 0 ? [path] : subs.flatMap((s) => leavesOf(s, [...path, s.name]))
}

/** The path of every command without subcommands (`["webhook", "endpoint", "add"]`), unlisted ones included, in tree order. */
export const leafPaths: ReadonlyArray<ReadonlyArray<string>> = leavesOf(command, [])

/**
 * Follows `words` down the tree from the root: the command they name and how many of them are
 * subcommand names (the rest are arguments).
 */
export const walk = (words: ReadonlyArray<string>): { readonly command: Command.Command.Any; readonly depth: number } => {
  let current: Command.Command.Any = command
  let depth = 0
  for (const word of words) {
    const next = children(current).find((s) => s.name === word)
    if (next === undefined) break
    current = next
    depth++
  }
  return { command: current, depth }
}

/** Whether the command has subcommands (a group such as `webhook endpoint`). */
export const isGroup = (c: Command.Command.Any): boolean => children(c).length > 0
