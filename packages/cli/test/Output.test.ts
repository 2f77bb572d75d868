import { describe, expect, it } from "vitest"
import * as Output from "../src/Output.ts"

// Width as a terminal shows it, written apart from the implementation: a Hangul syllable takes two
// columns, every other character here one.
const columns = (text: string): number => [...text].reduce((n, c) => n + (/[\uac00-\ud7a3]/.test(c) ? 2 : 1), 0)

describe("Output.table", () => {
  // Korean channel and field names shifted every later column: widths counted UTF-16 units.
  it("aligns columns by display width, Hangul taking two columns", () => {
    const text = Output.table(
      ["NAME", "MODE", "KEY"],
      [
        ["카드 결제", "live", "channel-key-1"],
        ["Card", "test", "channel-key-2"],
        ["간편결제 (네이버페이)", "live", "channel-key-3"]
      ]
    )
    const lines = text.split("\n")
    const starts = lines.map((line) => columns(line.slice(0, line.indexOf(line.includes("channel-key") ? "channel-key" : "KEY"))))
    expect(new Set(starts).size).toBe(1)
    expect(lines.map((line) => columns(line.slice(0, line.search(/live|test|MODE/))))).toEqual(
      Array(4).fill(columns("간편결제 (네이버페이)") + 2)
    )
  })
})
