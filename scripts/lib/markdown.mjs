// Fenced code blocks of the repository's markdown files, with the docs-check marker each carries.
import fs from "node:fs"
import path from "node:path"
import { root } from "./scratch.mjs"

const outputLangs = new Set(["", "text", "output", "console"])

/** Fenced blocks of a markdown file: { doc, line (of the opening fence), lang, code, marker, output }. */
export const blocksOf = (doc) => {
  const lines = fs.readFileSync(path.join(root, doc), "utf8").split("\n")
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)\s*([\w-]*)/.exec(lines[i])
    if (!open) continue
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(open[2]))
    const close = end < 0 ? lines.length : end
    const body = lines.slice(i + 1, close).map((l) => l.slice(open[1].length))
    let before = i - 1
    while (before >= 0 && lines[before].trim() === "") before--
    const marked = /docs-check:\s*([\w-]+)/.exec(`${lines[before] ?? ""}\n${body[0] ?? ""}`)
    blocks.push({ doc, line: i + 1, lang: open[3].toLowerCase(), code: body.join("\n"), marker: marked?.[1], next: close + 1 })
    i = close
  }
  for (const [k, b] of blocks.entries()) {
    const n = blocks[k + 1]
    if (
      n &&
      outputLangs.has(n.lang) &&
      fs
        .readFileSync(path.join(root, doc), "utf8")
        .split("\n")
        .slice(b.next, n.line - 1)
        .every((l) => l.trim() === "")
    )
      b.output = n.code
  }
  return blocks
}
