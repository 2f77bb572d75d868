import { type ChannelGroup, ChannelTerms, type Merchant, type PaymentChannel } from "@paymux/domain"

// The hot path reads integers, not objects. With ten thousand merchants and millions of channels
// in one process, a resolution spread at random across merchants costs what it touches in
// memory: every separate heap object is a likely cache and TLB miss, and a heap of a gigabyte no
// longer fits any cache. So everything a resolution reads lives in one `Int32Array` per merchant,
// the region, whose offsets are relative to its own start and whose channels are numbers (their
// position in creation order). A region can therefore be copied as it is into a larger array
// shared by many merchants (the directory's arena), and the same lookup code reads either.
//
// - A "slot" folds mode and payment type into one integer (mode * 6 + type): 12 slots.
// - Pay methods are interned process-wide to bit positions, so a channel's pay methods are one
//   32-bit mask. Methods past bit 30 share bit 31, which sends the check to the channel itself.
// - A "body" answers one lookup for every slot: `[present, list, list, ...]`, `present` a 12-bit
//   mask of the slots that have a list, the lists in slot order. A list holds the usable
//   channels of its slot in search order, reduced to those that answer some pay method no earlier
//   one answers: `[length, mask0, channel0, mask1, channel1, ...]`. With no pay method the first
//   answers; with one, the first whose mask has its bit.
//
// What makes a lookup slow here is the chain of loads that depend on each other's data: past a
// few megabytes each link costs a trip to memory (130-190 ns on the machine this was measured
// on), while loads that depend only on branches run in parallel under speculation. So a lookup
// is laid out to reach the channel number in one link: a `pg` bucket holds, besides the key
// itself, the first channel that answers its slot; the scope header (of which a directory keeps
// a copy per merchant in a small array) holds the default channel of each slot and where the
// tables start. The pay-method masks are then checked by predicted branches while the channel
// itself is already being fetched.
//
// Region layout:
//   scopes  the merchant's own scope at `MAIN` (0), then one per tier;
//   records per channel `[slot, mask, u0, u1, u2, u3]`: slot -1 when it can serve nothing, u0-u3
//           the 128 bits of its key's UUID (0 for a key that is not canonical);
//   keys    an open-addressing hash table of canonical keys: per bucket `[u0, channel + 1]`
//           (0: empty), probing the record for the other 96 bits.
// Scope layout: a header of `HEADER` cells (see the S_ constants: where its tables and the
// region's records and keys start, its counts, flags, and per slot 1 + the channel the default
// answers first, 0 for none), the default body, the `pg` hash table, the keys' bodies, the
// characters of long keys, and for a tier the bitmap of the channels assigned to it. The `pg`
// table has a bucket of `PG_BUCKET` cells per key and slot the key answers: `[hash, 1 + first
// channel (0: empty), list at, length, chars ...]`, the hash mixing key and slot, the key's
// characters packed four to a cell when it has at most 32, all Latin-1 (as PG codes and MIDs
// have); otherwise length -1 and the offset of `[length, chars (two UTF-16 units per cell) ...]`.
// `code` and `code.MID` are both keys, so a hit splits no string, and the bucket alone decides
// it: one line from memory, then the channel.

type Channel = PaymentChannel.PaymentChannel

const typeSlots = 6
/** Slots: two modes times six payment types. */
export const SLOTS = 2 * typeSlots

/**
 * The payment type's position, or -1 for a value outside the vocabulary. Dispatches on the
 * length first: a decoded request's string is not interned, so each comparison reads characters.
 */
export const typeIndex = (type: string): number => {
  switch (type.length) {
    case 14:
      return type === "window.general" ? 0 : -1
    case 13:
      return type === "window.simple" ? 1 : type === "certification" ? 5 : -1
    case 19:
      return type === "window.subscription" ? 2 : -1
    case 9:
      return type === "api.keyin" ? 3 : -1
    case 16:
      return type === "api.subscription" ? 4 : -1
    default:
      return -1
  }
}

export const modeIndex = (mode: string): number => (mode === "test" ? 0 : mode === "live" ? 1 : -1)

/** The slot of a mode and payment type, or -1 when either is unknown. */
const slotOf = (mode: string, type: string): number => {
  const m = modeIndex(mode)
  const t = typeIndex(type)
  return m === -1 || t === -1 ? -1 : m * typeSlots + t
}

/** Set on a mask when the channel takes a method interned past bit 30. */
export const OVERFLOW = 1 << 31
const methodIds = new Map<string, number>()

/**
 * The last method `methodBit` was asked about, and its bit. Decoded requests name the same few
 * methods, and JSON decoding interns short strings, so this usually answers by one pointer
 * comparison instead of a map lookup.
 */
let lastMethod: string | undefined
let lastBit = 0

/** The bit of a pay method (interning it), `OVERFLOW` for methods past bit 30. */
const internMethod = (method: string): number => {
  let id = methodIds.get(method)
  if (id === undefined) {
    methodIds.set(method, id = methodIds.size)
    lastMethod = undefined
  }
  return id < 31 ? 1 << id : OVERFLOW
}

/** The bit of a requested pay method: 0 when no channel anywhere takes it, `OVERFLOW` past bit 30. */
export const methodBit = (method: string): number => {
  if (method === lastMethod) return lastBit
  const id = methodIds.get(method)
  const bit = id === undefined ? 0 : id < 31 ? 1 << id : OVERFLOW
  lastMethod = method
  lastBit = bit
  return bit
}

/** Where the merchant's own scope starts in its region. */
export const MAIN = 0
/** In a scope's flags: the merchant's policy is `fallback`. */
export const FLAG_FALLBACK = 1

// Scope header. A directory keeps a copy of each merchant's main scope header in a small array
// of its own, so the hot path reads a header from `(header, at)`: that copy, or the scope itself
// in its region. Offsets in it are relative to the region.
export const S_MODES = 0
export const S_PG_MASK = 1
export const S_PG = 2
const S_ASSIGNED = 3
export const S_TEST = 4
export const S_LIVE = 5
/** Where the scope starts in its region. */
export const S_AT = 6
/** The merchant's flags (`FLAG_FALLBACK`). */
export const S_FLAGS = 7
const S_KEY_MASK = 8
const S_KEYS = 9
export const S_RECORDS = 10
/** Per slot, 1 + the channel the default body answers first (0: none). */
export const S_FIRST = 12
export const HEADER = 24

export const RECORD = 6

/** The hash of a `pg` key and a slot: distinct slots of one key never collide. */
export const slotHash = (h: number, slot: number): number => {
  let x = h ^ Math.imul(slot + 1, 0x9e3779b1)
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  return x ^ (x >>> 13)
}

/** Two UTF-16 units of `text` from `i` (the second 0 past the end) in one 32-bit integer. */
const pair = (text: string, i: number): number =>
  i + 1 < text.length ? text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16) : text.charCodeAt(i)

/** Cells of a `pg` bucket, and how many characters it holds inline. */
export const PG_BUCKET = 12
const INLINE_CHARS = 32

/** Scratch for the packed characters of a requested `pg` string (resolution is synchronous). */
const packed = new Int32Array(INLINE_CHARS / 4)
/** Set by `packKey`: whether the string fits a bucket (at most 32 characters, all Latin-1). */
let packedInline = false

/**
 * Hashes a `pg` string and packs its characters four to a cell into `packed`, in one pass. The
 * hash is defined for every string (a wider character just mixes into its neighbours' bits). A
 * plain loop: it is inlined into the hot paths, which have a budget for inlined code.
 */
export const packKey = (text: string): number => {
  const n = text.length
  let h = 0x811c9dc5 | 0
  let wide = 0
  let word = 0
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    wide |= c
    word |= c << ((i & 3) << 3)
    // A cell is full, or the string ends: it joins the hash and, among the first 32, `packed`.
    if ((i & 3) === 3 || i === n - 1) {
      if (i < INLINE_CHARS) packed[i >> 2] = word
      h = Math.imul(h ^ word, 0x01000193)
      word = 0
    }
  }
  packedInline = n <= INLINE_CHARS && wide <= 0xff
  return Math.imul(h ^ n, 0x01000193)
}

/** Whether the string last given to `packKey` fits a bucket (at most 32 Latin-1 characters). */
export const packedFits = (): boolean => packedInline

/**
 * Whether the `n` characters last given to `packKey` (which must have found them inline) equal
 * the packed characters at `cells[at]`.
 */
export const samePacked = (cells: Int32Array, at: number, n: number): boolean => {
  for (let i = 0; i < (n + 3) >> 2; i++) if (cells[at + i] !== packed[i]) return false
  return true
}

/**
 * The number a canonical merchant code (`imp` and eight digits, as the domain makes them) stands
 * for, or -1 for any other value. Canonical codes and numbers correspond one to one, so a table
 * keyed by the number finds a merchant without hashing its string.
 */
export const codeNumber = (code: unknown): number => {
  if (typeof code !== "string" || code.length !== 11 || code.charCodeAt(0) !== 105 || code.charCodeAt(1) !== 109 || code.charCodeAt(2) !== 112) {
    return -1
  }
  let n = 0
  for (let i = 3; i < 11; i++) {
    const d = code.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

const numberHash = (n: number): number => {
  const h = Math.imul(n, 0x9e3779b1)
  return h ^ (h >>> 16)
}

/** Enters `number -> ordinal` in an open-addressing table of `[number, 1 + ordinal]` pairs (0: empty). */
export const insertNumber = (table: Int32Array, mask: number, number: number, ordinal: number): void => {
  let b = numberHash(number) & mask
  while (table[2 * b + 1] !== 0 && table[2 * b] !== number) b = (b + 1) & mask
  table[2 * b] = number
  table[2 * b + 1] = ordinal + 1
}

/**
 * Takes `number` out of a table that `insertNumber` fills (nothing if it is not there). Later
 * entries of its probe run move back into the gap, so lookups need no tombstones and a delete
 * costs a few entries, not the table.
 */
export const removeNumber = (table: Int32Array, mask: number, number: number): void => {
  let i = numberHash(number) & mask
  while (table[2 * i + 1] !== 0 && table[2 * i] !== number) i = (i + 1) & mask
  if (table[2 * i + 1] === 0) return
  for (let j = (i + 1) & mask; table[2 * j + 1] !== 0; j = (j + 1) & mask) {
    // The entry at `j` may fill the gap at `i` when `i` lies on its way from its home to `j`.
    const home = numberHash(table[2 * j]!) & mask
    if (((j - home) & mask) >= ((j - i) & mask)) {
      table[2 * i] = table[2 * j]!
      table[2 * i + 1] = table[2 * j + 1]!
      i = j
    }
  }
  table[2 * i] = 0
  table[2 * i + 1] = 0
}

/** The ordinal of `number` in a table that `insertNumber` fills, or -1. */
export const findNumber = (table: Int32Array, mask: number, number: number): number => {
  for (let b = numberHash(number) & mask;; b = (b + 1) & mask) {
    const ordinal = table[2 * b + 1]! - 1
    if (ordinal === -1 || table[2 * b] === number) return ordinal
  }
}

const KEY_PREFIX = "channel-key-"
const KEY_LENGTH = KEY_PREFIX.length + 36

const PREFIX = Int32Array.from(KEY_PREFIX, (c) => c.charCodeAt(0))

/** The value of two lower-case hex digits by their character codes (`first << 8 | second`), or -1. */
const HEX_PAIRS = (() => {
  const table = new Int16Array(1 << 16).fill(-1)
  const digits = "0123456789abcdef"
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) table[(digits.charCodeAt(i) << 8) | digits.charCodeAt(j)] = 16 * i + j
  }
  return table
})()

/** Where the UUID's 32 digits sit in a channel key, two at a time (the dashes skipped). */
const DIGIT_PAIRS = Int8Array.from([12, 14, 16, 18, 21, 23, 26, 28, 31, 33, 36, 38, 40, 42, 44, 46])

/**
 * Reads the UUID of a canonical channel key (`channel-key-` and a lower-case UUID) into four
 * 32-bit words; false, leaving `out` in any state, for any other string. One small loop rather
 * than unrolled code: it is inlined into the hot paths, where code size costs cache.
 */
export const parseKey = (key: string, out: Int32Array): boolean => {
  if (key.length !== KEY_LENGTH) return false
  for (let i = 0; i < PREFIX.length; i++) if (key.charCodeAt(i) !== PREFIX[i]) return false
  if (key.charCodeAt(20) !== 45 || key.charCodeAt(25) !== 45 || key.charCodeAt(30) !== 45 || key.charCodeAt(35) !== 45) return false
  let word = 0
  for (let p = 0; p < 16; p++) {
    const at = DIGIT_PAIRS[p]!
    const a = key.charCodeAt(at)
    const b = key.charCodeAt(at + 1)
    const v = (a | b) > 0xff ? -1 : HEX_PAIRS[(a << 8) | b]!
    if (v === -1) return false
    word = (word << 8) | v
    if ((p & 3) === 3) out[p >> 2] = word
  }
  return true
}

export const keyHash = (u: Int32Array): number => {
  let h = Math.imul(u[0]! ^ Math.imul(u[1]!, 0x9e3779b1) ^ Math.imul(u[2]!, 0x85ebca6b) ^ Math.imul(u[3]!, 0xc2b2ae35), 0x27d4eb2f)
  h ^= h >>> 15
  return h
}

// ---------------------------------------------------------------------------------------------
// Reading a region: `cells` holds it from `base`; `refs` holds its channels from `refBase`.

/** Whether the channel takes the method (`bit` from `methodBit`) given its mask. */
const takesMask = (channel: Channel, mask: number, bit: number, method: string): boolean =>
  bit === OVERFLOW ? (mask & OVERFLOW) !== 0 && (channel.payMethods as ReadonlyArray<string>).includes(method) : (mask & bit) !== 0

/**
 * The channel a list at `list` (absolute) answers for a pay method (`bit` its `methodBit`), given
 * the list's first channel `first`, or -1. Returning `first` when it takes the method keeps the
 * answer free of a load from the list.
 */
export const pickFrom = (
  cells: Int32Array,
  list: number,
  method: string,
  bit: number,
  refs: ReadonlyArray<Channel>,
  refBase: number,
  first: number
): number => {
  if (bit === 0) return -1
  if (bit !== OVERFLOW && (cells[list + 1]! & bit) !== 0) return first
  const end = list + 1 + 2 * cells[list]!
  for (let i = list + 1; i < end; i += 2) {
    const mask = cells[i]!
    if ((mask & bit) !== 0 && (bit !== OVERFLOW || takesMask(refs[refBase + cells[i + 1]!]!, mask, bit, method))) return cells[i + 1]!
  }
  return -1
}

/** The absolute offset of the list of a slot a body at `body` (absolute) has a list for. */
export const listOf = (cells: Int32Array, body: number, slot: number): number => {
  let p = body + 1
  for (let below = cells[body]! & ((1 << slot) - 1); below !== 0; below &= below - 1) p += 1 + 2 * cells[p]!
  return p
}

/** Whether the long-key characters at `at` (absolute, `[length, pairs ...]`) spell `text`. */
const spells = (cells: Int32Array, at: number, text: string): boolean => {
  const n = text.length
  if (cells[at] !== n) return false
  for (let i = 0, k = at + 1; i < n; i += 2, k++) if (cells[k] !== pair(text, i)) return false
  return true
}

/**
 * The absolute offset of the bucket of a `pg` string and slot in the scope whose header is
 * `header[at]`, or -1. `h` is the `slotHash` of the string's `packKey`, which must be the last
 * `packKey` call. The bucket holds `[hash, 1 + first channel, list at, ...]`.
 */
export const pgBucket = (cells: Int32Array, base: number, header: Int32Array, at: number, pg: string, h: number): number => {
  const mask = header[at + S_PG_MASK]!
  const buckets = base + header[at + S_PG]!
  const n = pg.length
  const inline = packedInline
  for (let b = h & mask;; b = (b + 1) & mask) {
    const k = buckets + PG_BUCKET * b
    if (cells[k + 1] === 0) return -1
    if (cells[k] !== h) continue
    if (inline) {
      if (cells[k + 3] === n && samePacked(cells, k + 4, n)) return k
    } else if (cells[k + 3] === -1 && spells(cells, base + cells[k + 4]!, pg)) {
      return k
    }
  }
}

/** The number of the channel whose key's UUID is `u`, or -1. */
export const channelOfKey = (cells: Int32Array, base: number, header: Int32Array, at: number, u: Int32Array): number => {
  const mask = header[at + S_KEY_MASK]!
  const buckets = base + header[at + S_KEYS]!
  const records = base + header[at + S_RECORDS]!
  const u0 = u[0]!
  for (let b = keyHash(u) & mask;; b = (b + 1) & mask) {
    const k = buckets + 2 * b
    const c1 = cells[k + 1]!
    if (c1 === 0) return -1
    if (cells[k] === u0) {
      const r = records + RECORD * (c1 - 1) + 3
      if (cells[r] === u[1] && cells[r + 1] === u[2] && cells[r + 2] === u[3]) return c1 - 1
    }
  }
}

/** Whether channel `c` is assigned to the scope whose header is `header[at]` (always, in the merchant's scope). */
export const inScope = (cells: Int32Array, base: number, header: Int32Array, at: number, c: number): boolean => {
  const assigned = header[at + S_ASSIGNED]!
  return assigned === 0 || (cells[base + assigned + (c >>> 5)]! & (1 << (c & 31))) !== 0
}

/** Whether channel `c` serves a request of this slot (-1: none) and pay method; `records` is absolute. */
export const serves = (
  cells: Int32Array,
  records: number,
  c: number,
  slot: number,
  method: string | undefined,
  bit: number,
  refs: ReadonlyArray<Channel>,
  refBase: number
): boolean => {
  if (slot === -1) return false
  const r = records + RECORD * c
  if (cells[r] !== slot) return false
  return method === undefined || takesMask(refs[refBase + c]!, cells[r + 1]!, bit, method)
}

// ---------------------------------------------------------------------------------------------
// Building a region.

/** A group's members usable in a scope (assigned and able to serve something), with their weights. */
export interface Route {
  readonly members: Int32Array
  readonly weights: Int32Array
}

/** What the cold paths know of a scope (the merchant, or one tier); the hot path reads the region. */
export interface Scope {
  readonly tier: string | undefined
  readonly assigned: ReadonlySet<string> | undefined
  /** Where the scope starts in its region. */
  readonly at: number
  readonly routes: ReadonlyMap<string, Route>
}

/** A built region with its scopes and the channels whose keys are not canonical. */
interface Built {
  readonly cells: Int32Array
  readonly main: Scope
  readonly tiers: ReadonlyMap<string, Scope>
  /** Channel number by key, for keys that are not `channel-key-` and a lower-case UUID. */
  readonly oddKeys: ReadonlyMap<string, number> | undefined
}

/** A channel's slot (-1 when it can serve nothing) and method mask. */
const channelInfo = (channels: ReadonlyArray<Channel>): Int32Array => {
  const info = new Int32Array(2 * channels.length)
  channels.forEach((channel, c) => {
    const usable = channel.enabled && channel.purpose === ChannelTerms.purposeOf(channel.paymentType)
    info[2 * c] = usable ? slotOf(channel.mode, channel.paymentType) : -1
    let mask = 0
    for (const method of channel.payMethods) mask |= internMethod(method)
    info[2 * c + 1] = mask
  })
  return info
}

/** Per slot, what a body answers: its list's first channel and where the list starts (-1: none). */
interface BodyAnswers {
  readonly firsts: Int32Array
  readonly lists: Int32Array
}

/** Appends a body answering from `list` (channel numbers in search order). */
const pushBody = (out: Array<number>, list: ReadonlyArray<number>, info: Int32Array): BodyAnswers => {
  const firsts = new Int32Array(SLOTS).fill(-1)
  const lists = new Int32Array(SLOTS).fill(-1)
  const presentAt = out.length
  out.push(0)
  let present = 0
  for (let s = 0; s < SLOTS; s++) {
    let union = 0
    let start = -1
    for (const c of list) {
      if (info[2 * c] !== s) continue
      const mask = info[2 * c + 1]!
      // A later channel answers only the pay methods no earlier one takes (overflow methods are
      // checked on the channel, so such a channel is always kept).
      if (start !== -1 && (mask & ~union) === 0 && (mask & OVERFLOW) === 0) continue
      if (start === -1) {
        start = out.length
        out.push(0)
        present |= 1 << s
        firsts[s] = c
        lists[s] = start
      }
      out.push(mask, c)
      out[start]!++
      union |= mask
    }
  }
  out[presentAt] = present
  return { firsts, lists }
}

const push = <K>(map: Map<K, Array<number>>, key: K, value: number): void => {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** Appends a scope over `members` (channel numbers, oldest first); `assigned` is a tier's key set. */
const pushScope = (
  out: Array<number>,
  tier: string | undefined,
  assigned: ReadonlySet<string> | undefined,
  channels: ReadonlyArray<Channel>,
  info: Int32Array,
  byKey: ReadonlyMap<string, number>,
  merchant: Merchant.Merchant,
  groups: ReadonlyArray<ChannelGroup.ChannelGroup>
): Scope => {
  const members: Array<number> = []
  for (let c = 0; c < channels.length; c++) if (assigned === undefined || assigned.has(channels[c]!.key)) members.push(c)
  const memberSet = new Set(members)
  const at = out.length
  let test = 0
  for (const c of members) if (channels[c]!.mode === "test") test++
  const live = members.length - test
  for (let i = 0; i < HEADER; i++) out.push(0)
  out[at + S_MODES] = (test > 0 ? 1 : 0) | (live > 0 ? 2 : 0)
  out[at + S_TEST] = test
  out[at + S_LIVE] = live
  out[at + S_AT] = at
  out[at + S_FLAGS] = merchant.policy === "fallback" ? FLAG_FALLBACK : 0
  // Each mode's configured default goes ahead of the rest; the oldest usable channel follows.
  const preferred: Array<number> = []
  const defaults = [merchant.defaultChannels.test, merchant.defaultChannels.live]
  for (let m = 0; m < 2; m++) {
    const c = defaults[m] === undefined ? undefined : byKey.get(defaults[m]!)
    if (c !== undefined && memberSet.has(c) && modeIndex(channels[c]!.mode) === m) preferred.push(c)
  }
  const { firsts } = pushBody(out, [...preferred, ...members.filter((c) => !preferred.includes(c))], info)
  for (let s = 0; s < SLOTS; s++) out[at + S_FIRST + s] = firsts[s]! + 1
  const keyed = new Map<string, Array<number>>()
  for (const c of members) {
    const { mid, pg } = channels[c]!
    push(keyed, pg, c)
    push(keyed, `${pg}.${mid}`, c)
  }
  // A bucket per key and slot it answers; at most two thirds of the buckets full.
  let pairs = 0
  for (const list of keyed.values()) {
    let used = 0
    for (const c of list) if (info[2 * c] !== -1) used |= 1 << info[2 * c]!
    for (; used !== 0; used &= used - 1) pairs++
  }
  let buckets = 2
  while (2 * buckets < 3 * pairs) buckets *= 2
  const table = out.length
  for (let i = 0; i < PG_BUCKET * buckets; i++) out.push(0)
  out[at + S_PG_MASK] = buckets - 1
  out[at + S_PG] = table
  for (const [key, list] of keyed) {
    const answers = pushBody(out, list, info)
    const h0 = packKey(key)
    const inline = packedInline
    let chars = 0
    if (!inline) {
      chars = out.length
      out.push(key.length)
      for (let i = 0; i < key.length; i += 2) out.push(pair(key, i))
    }
    for (let s = 0; s < SLOTS; s++) {
      if (answers.firsts[s] === -1) continue
      const h = slotHash(h0, s)
      let b = h & (buckets - 1)
      while (out[table + PG_BUCKET * b + 1] !== 0) b = (b + 1) & (buckets - 1)
      const k = table + PG_BUCKET * b
      out[k] = h
      out[k + 1] = answers.firsts[s]! + 1
      out[k + 2] = answers.lists[s]!
      if (inline) {
        out[k + 3] = key.length
        for (let i = 0; i < (key.length + 3) >> 2; i++) out[k + 4 + i] = packed[i]!
      } else {
        out[k + 3] = -1
        out[k + 4] = chars
      }
    }
  }
  if (assigned !== undefined) {
    const bitmap = out.length
    out[at + S_ASSIGNED] = bitmap
    for (let i = 0; i < (channels.length + 31) >>> 5; i++) out.push(0)
    for (const c of members) out[bitmap + (c >>> 5)]! |= 1 << (c & 31)
  }
  const routes = new Map<string, Route>()
  for (const group of groups) {
    const chosen: Array<number> = []
    const weights: Array<number> = []
    for (const member of group.members) {
      const c = byKey.get(member.channel)
      if (c !== undefined && memberSet.has(c) && info[2 * c] !== -1) {
        chosen.push(c)
        weights.push(member.weight)
      }
    }
    routes.set(group.id, { members: Int32Array.from(chosen), weights: Int32Array.from(weights) })
  }
  return { tier, assigned, at, routes }
}

/**
 * Builds the region of a merchant's channels (oldest first), its own scope and one per tier.
 */
export const build = (
  merchant: Merchant.Merchant,
  channels: ReadonlyArray<Channel>,
  tiers: ReadonlyArray<readonly [string, ReadonlySet<string>]>,
  groups: ReadonlyArray<ChannelGroup.ChannelGroup>
): Built => {
  const info = channelInfo(channels)
  const byKey = new Map<string, number>()
  channels.forEach((channel, c) => byKey.set(channel.key, c))
  const out: Array<number> = []
  const main = pushScope(out, undefined, undefined, channels, info, byKey, merchant, groups)
  const scopes = new Map<string, Scope>()
  for (const [tier, assigned] of tiers) scopes.set(tier, pushScope(out, tier, assigned, channels, info, byKey, merchant, groups))
  const records = out.length
  const u = new Int32Array(4)
  const canonical: Array<number> = []
  let oddKeys: Map<string, number> | undefined
  for (let c = 0; c < channels.length; c++) {
    out.push(info[2 * c]!, info[2 * c + 1]!)
    if (parseKey(channels[c]!.key, u)) {
      canonical.push(c)
      out.push(u[0]!, u[1]!, u[2]!, u[3]!)
    } else {
      ;(oddKeys ??= new Map()).set(channels[c]!.key, c)
      out.push(0, 0, 0, 0)
    }
  }
  let buckets = 2
  while (buckets < 2 * canonical.length) buckets *= 2
  const keys = out.length
  for (let i = 0; i < 2 * buckets; i++) out.push(0)
  for (const c of canonical) {
    // The UUID as the record holds it.
    for (let i = 0; i < 4; i++) u[i] = out[records + RECORD * c + 2 + i]!
    let b = keyHash(u) & (buckets - 1)
    while (out[keys + 2 * b + 1] !== 0) b = (b + 1) & (buckets - 1)
    out[keys + 2 * b] = u[0]!
    out[keys + 2 * b + 1] = c + 1
  }
  // Every scope can find the region's records and keys from its header.
  for (const scope of [main, ...scopes.values()]) {
    out[scope.at + S_KEY_MASK] = buckets - 1
    out[scope.at + S_KEYS] = keys
    out[scope.at + S_RECORDS] = records
  }
  return { cells: Int32Array.from(out), main, tiers: scopes, oddKeys }
}
