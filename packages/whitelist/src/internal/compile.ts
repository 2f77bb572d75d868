/**
 * Rule list -> blocks in typed arrays. Shared by Whitelist (lookups) and CidrList (aggregate, diff).
 */
import type { HostBitsTruncated } from "../Cidr.ts"
import type { Blocks } from "./intervals.ts"
import { type InvalidCidr, invalidCidr } from "./invalidCidr.ts"
import { formatBlock, parseRule, ruleEnd, ruleInfo, ruleStart } from "./rule.ts"

/** Parsed rules plus the family each was written in and lenient-mode warnings. */
export interface ParsedRules extends Blocks {
  readonly families: Uint8Array
  readonly warnings: ReadonlyArray<HostBitsTruncated>
}

/** Parses every rule; the first bad one becomes the returned `InvalidCidr`. */
export const readRules = (rules: ReadonlyArray<string>, lenient: boolean): ParsedRules | InvalidCidr => {
  if (!Array.isArray(rules)) return invalidCidr(rules, lenient)
  const count = rules.length
  const starts = new Uint32Array(count * 4)
  const ends = new Uint32Array(count * 4)
  const prefixes = new Uint8Array(count)
  const families = new Uint8Array(count)
  const warnings: Array<HostBitsTruncated> = []
  for (let i = 0; i < count; i++) {
    const input = rules[i]
    const prefix128 = parseRule(input, lenient)
    if (prefix128 < 0) return invalidCidr(input, lenient, i)
    starts.set(ruleStart, i * 4)
    ends.set(ruleEnd, i * 4)
    prefixes[i] = prefix128
    families[i] = ruleInfo.family
    if (ruleInfo.truncated) {
      const cidr = formatBlock(ruleInfo.family, ruleStart, prefix128)
      warnings.push({
        _tag: "HostBitsTruncated",
        input: input!,
        index: i,
        cidr,
        message: `rule ${i} ${JSON.stringify(input)}: host bits set; truncated to ${cidr}`
      })
    }
  }
  return { count, starts, ends, prefixes, families, warnings }
}
