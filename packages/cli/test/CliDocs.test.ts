/**
 * docs/cli.md documents every command: each leaf command of the tree (`Cli.command`, walked by
 * support/commandTree.ts) must begin the first cell of a table row (`` | `audit prune --before …` ``),
 * a list item (`` - `serve [--port 8080] …` ``) or a line of a usage block (`paymux audit prune …`)
 * in the "Commands" section, and each of those must name a command. `a\|b` names both
 * (`` `channel enable\|disable -m M KEY` ``).
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { isGroup, leafPaths, walk } from "./support/commandTree.ts"

const docs = readFileSync(new URL("../../../docs/cli.md", import.meta.url), "utf8")
const sectionStart = docs.indexOf("\n## Commands\n")
const sectionEnd = docs.indexOf("\n## ", sectionStart + 1)
const section = docs.slice(sectionStart, sectionEnd === -1 ? undefined : sectionEnd)

/** The text of every place in the section that introduces a command, e.g. "audit prune --before 365d|ISO-TIME|EPOCH-MS". */
const entries = (): ReadonlyArray<string> => {
  const found: Array<string> = []
  let fenced = false
  for (const line of section.split("\n")) {
    if (line.startsWith("```")) {
      fenced = !fenced
      continue
    }
    if (fenced) {
      if (line.startsWith("paymux ")) found.push(line.slice("paymux ".length))
      continue
    }
    if (line.startsWith("|")) {
      // The first cell: up to the first `|` that is not escaped (`\|` is an alternative inside it).
      const cell = line.slice(1).split(/(?<!\\)\|/)[0] ?? ""
      for (const span of cell.matchAll(/`([^`]+)`/g)) found.push(span[1]!)
      continue
    }
    const item = /^\s*[-*] `([^`]+)/.exec(line)
    if (item !== null) found.push(item[1]!)
  }
  return found
}

const word = /^[a-z][a-z0-9-]*((\\?\|)[a-z][a-z0-9-]*)*$/

/** The command-name words an entry begins with, alternatives expanded: "channel enable\|disable -m M" → channel enable, channel disable. */
const wordPaths = (entry: string): ReadonlyArray<ReadonlyArray<string>> => {
  let paths: Array<ReadonlyArray<string>> = [[]]
  for (const token of entry.trim().split(/\s+/)) {
    if (!word.test(token)) break
    const alternatives = token.replaceAll("\\|", "|").split("|")
    paths = paths.flatMap((path) => alternatives.map((alternative) => [...path, alternative]))
  }
  return paths
}

describe("docs/cli.md", () => {
  const documented = new Set<string>()
  const unknown: Array<string> = []
  for (const entry of entries()) {
    for (const words of wordPaths(entry)) {
      if (words.length === 0) continue
      const { command, depth } = walk(words)
      if (depth === 0 || isGroup(command)) unknown.push(`${entry} (read as "${words.join(" ")}")`)
      else documented.add(words.slice(0, depth).join(" "))
    }
  }

  it("documents every command", () => {
    expect(
      leafPaths.map((path) => path.join(" ")).filter((path) => !documented.has(path)),
      "commands docs/cli.md does not document (add a row to the table of their section)"
    ).toEqual([])
  })

  it("documents no command that does not exist", () => {
    expect(unknown, "entries of docs/cli.md's Commands section that name no command").toEqual([])
  })
})
