/**
 * Generators and independent oracles for the property tests. Texts are produced with ipaddr.js
 * and bigint arithmetic, never with the code under test.
 */
import fc from "fast-check"
import ipaddr from "ipaddr.js"
import { BlockList } from "node:net"

export interface Block {
  readonly v6: boolean
  /** Network address as a 128-bit value in the folded space for v4 (::ffff:a.b.c.d). */
  readonly start: bigint
  readonly prefix: number
  readonly text: string
}

const MAPPED = 0xffffn << 32n
const ALL = (1n << 128n) - 1n

export const v4Text = (v: number): string => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`

const parts = (x: bigint): Array<number> => Array.from({ length: 8 }, (_, k) => Number((x >> BigInt(112 - 16 * k)) & 0xffffn))

/** Some valid spelling of a 128-bit address, chosen by `style`. */
export const v6Text = (x: bigint, style = 0): string => {
  const address = new ipaddr.IPv6(parts(x))
  switch (style % 4) {
    case 1:
      return address.toNormalizedString()
    case 2:
      return parts(x)
        .map((g) => g.toString(16).padStart(4, "0"))
        .join(":")
        .toUpperCase()
    case 3:
      return x >> 32n === 0xffffn ? `::ffff:${v4Text(Number(x & 0xffffffffn))}` : address.toRFC5952String()
    default:
      return address.toRFC5952String()
  }
}

/** The folded 128-bit value of an address text, via ipaddr.js. */
export const addressValue = (text: string): bigint => {
  const parsed = ipaddr.parse(text)
  const bytes = parsed.kind() === "ipv4" ? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, ...parsed.toByteArray()] : parsed.toByteArray()
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
}

export const blockEnd = (b: Pick<Block, "start" | "prefix" | "v6">): bigint => b.start + (1n << BigInt((b.v6 ? 128 : 32) - b.prefix)) - 1n

const maskBig = (x: bigint, hostBits: number): bigint => (x >> BigInt(hostBits)) << BigInt(hostBits)

const prefixArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(0, max - 1, max, 1, max === 32 ? 31 : 127, max === 32 ? 24 : 64),
    fc.integer({ min: max === 32 ? 8 : 16, max }),
    fc.integer({ min: 0, max })
  )

const u128 = fc.bigInt({ min: 0n, max: ALL })
/** Addresses clustered in a few regions so random rules overlap and touch. */
const clustered128 = fc.oneof(
  u128,
  fc
    .tuple(fc.constantFrom(0x20010db8n << 96n, 0xfe80n << 112n, 0n, MAPPED), fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }))
    .map(([base, low]) => base | low)
)
const clustered32 = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.integer({ min: 0, max: 4095 }).map((x) => (0x0a000000 + x) >>> 0)
)

export const v4Block: fc.Arbitrary<Block> = fc.tuple(clustered32, prefixArb(32)).map(([x, prefix]) => {
  const network = Number(maskBig(BigInt(x), 32 - prefix))
  return { v6: false, start: MAPPED | BigInt(network), prefix, text: `${v4Text(network)}/${prefix}` }
})

export const v6Block: fc.Arbitrary<Block> = fc.tuple(clustered128, prefixArb(128), fc.nat(3)).map(([x, prefix, style]) => {
  const start = maskBig(x, 128 - prefix)
  return { v6: true, start, prefix, text: `${v6Text(start, style)}/${prefix}` }
})

/** `::ffff:a.b.c.d/(96 + n)` rules: IPv4 space written as IPv6. */
export const mappedBlock: fc.Arbitrary<Block> = fc.tuple(clustered32, fc.integer({ min: 96, max: 128 })).map(([x, prefix]) => {
  const start = maskBig(MAPPED | BigInt(x), 128 - prefix)
  return { v6: true, start, prefix, text: `${v6Text(start, 3)}/${prefix}` }
})

export const block: fc.Arbitrary<Block> = fc.oneof(
  { weight: 3, arbitrary: v4Block },
  { weight: 3, arbitrary: v6Block },
  { weight: 1, arbitrary: mappedBlock }
)

const v6At = (start: bigint, prefix: number, style: number): Block => ({
  v6: true,
  start,
  prefix,
  text: `${v6Text(start, style)}/${prefix}`
})

/**
 * A block holding an address near one end of the IPv4-mapped range `::ffff:0:0/96`, with the
 * blocks adjacent to it on either side. Merged, they often run a little past the mapped range, so
 * the interval's outer bound has low 32 bits unlike the range's edge.
 */
export const mappedEdge: fc.Arbitrary<Array<Block>> = fc
  .tuple(
    fc.constantFrom(MAPPED, MAPPED | 0xffffffffn),
    fc.bigInt({ min: -0xffffn, max: 0xffffn }),
    fc.oneof(fc.integer({ min: 80, max: 128 }), fc.integer({ min: 1, max: 128 })),
    fc.nat(128),
    fc.nat(128),
    fc.nat(3)
  )
  .map(([edge, offset, prefix, before, after, style]) => {
    const start = maskBig(edge + offset, 128 - prefix)
    const end = start + (1n << BigInt(128 - prefix)) - 1n
    // Any prefix at least as long as the middle block's fits against its aligned bounds.
    const beforePrefix = prefix + (before % (129 - prefix))
    const afterPrefix = prefix + (after % (129 - prefix))
    const result = [v6At(start, prefix, style)]
    if (start > 0n) result.push(v6At(start - (1n << BigInt(128 - beforePrefix)), beforePrefix, style + 1))
    if (end < ALL) result.push(v6At(end + 1n, afterPrefix, style + 2))
    return result
  })

export const blocks: fc.Arbitrary<Array<Block>> = fc.oneof(
  { weight: 3, arbitrary: fc.array(block, { maxLength: 25 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(block, { maxLength: 10 }), mappedEdge).map(([others, edge]) => [...others, ...edge])
  }
)

/** The 128-bit bounds of a block in the folded space. */
export const range = (b: Block): readonly [bigint, bigint] => {
  const start = b.v6 ? b.start : b.start
  const size = 1n << BigInt((b.v6 ? 128 : 32) - b.prefix)
  return [start, start + size - 1n]
}

/** Text of a folded 128-bit value: IPv4 when mapped and `asV4`, otherwise some IPv6 spelling. */
export const addressText = (x: bigint, style: number): string =>
  x >> 32n === 0xffffn && style % 2 === 0 ? v4Text(Number(x & 0xffffffffn)) : v6Text(x, style)

/**
 * Addresses worth asking about: random, the ends of the IPv4-mapped range, and each rule's
 * first/last address and neighbours.
 */
export const probes = (rules: ReadonlyArray<Block>): fc.Arbitrary<Array<string>> =>
  fc.tuple(fc.array(fc.tuple(clustered128, fc.nat(3)), { maxLength: 30 }), fc.nat(3)).map(([random, style]) => {
    const values: Array<[bigint, number]> = random.map(([x, s]) => [x, s])
    for (const x of [MAPPED - 1n, MAPPED, MAPPED | 0xffffffffn, (MAPPED | 0xffffffffn) + 1n]) values.push([x, style], [x, style + 1])
    rules.forEach((rule, i) => {
      const [start, end] = range(rule)
      for (const x of [start - 1n, start, end, end + 1n]) if (x >= 0n && x <= ALL) values.push([x, style + i])
    })
    return values.map(([x, s]) => addressText(x, s))
  })

const familyOf = (text: string): "ipv4" | "ipv6" => (text.includes(":") ? "ipv6" : "ipv4")

/** node:net's BlockList over the same rules: the differential oracle. */
export const blockList = (rules: ReadonlyArray<string>): ((ip: string) => boolean) => {
  const list = new BlockList()
  for (const rule of rules) {
    const [address, prefix] = rule.split("/") as [string, string | undefined]
    const family = familyOf(address)
    list.addSubnet(address, prefix === undefined ? (family === "ipv4" ? 32 : 128) : Number(prefix), family)
  }
  return (ip) => list.check(ip, familyOf(ip))
}
