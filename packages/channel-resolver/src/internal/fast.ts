import type { PaymentChannel } from "@paymux/domain"
import type { Result } from "effect"
import type { Resolution, ResolveRequest } from "../Resolution.ts"
import type { ResolutionError } from "../ResolutionError.ts"
import { type IndexState, slotFor, success, VIA_DEFAULT, VIA_KEY, VIA_PG } from "./core.ts"
import * as Miss from "./miss.ts"
import {
  codeNumber,
  FLAG_FALLBACK,
  HEADER,
  keyHash,
  listOf,
  MAIN,
  findNumber,
  methodBit,
  modeIndex,
  OVERFLOW,
  packedFits,
  packKey,
  parseKey,
  PG_BUCKET,
  RECORD,
  S_AT,
  S_FIRST,
  S_FLAGS,
  S_MODES,
  S_PG,
  S_PG_MASK,
  S_RECORDS,
  samePacked,
  slotHash,
  SLOTS
} from "./table.ts"

// A directory's fast path. A `pg` hit in a merchant's own tables is a chain of loads that each
// wait for the one before: the merchant, its row, the bucket, the channel. Here every merchant's
// entries live in tables shared by the whole directory and addressed by hashes of the request
// alone (the number in the merchant code, the `pg` string, the slot; or the key's UUID), with the
// channel references in arrays parallel to the buckets. So the bucket and the channel are read
// first, and the merchant's ordinal, looked up while they are fetched, only confirms the owner.
//
// The fast path answers what is common and cheap to prove: hits whose first channel takes the
// pay method, fallbacks and strict misses of `pg` strings the merchant has no key for, and
// `channelKey` answers of the merchant's own scope. Anything else (a tier, a group, a pay method
// only a later channel takes, a `pg` string too long or too wide for a bucket, a key or merchant
// code that is not canonical) goes to the general path over the merchant's region, which answers
// everything.
//
// pg bucket:  `[hash, owner, length, mask of the first channel, packed chars x 8]`
// key bucket: `[u0, u1, u2, u3, owner, slot, mask, 0]`
// owner: 1 + the merchant's ordinal; 0 for an empty bucket, -1 for a deleted one.

type Channel = PaymentChannel.PaymentChannel
type Outcome = Result.Result<Resolution, ResolutionError>

const PG = 12
const P_OWNER = 1
const P_LENGTH = 2
const P_MASK = 3
const P_CHARS = 4
const KEY = 8
const K_OWNER = 4
const K_SLOT = 5
const K_MASK = 6
const FALLBACK = 4

const DELETED = -1

/** The hash of a `pg` entry of one merchant: its `slotHash` mixed with the number in the merchant's code. */
const ownHash = (h: number, number: number): number => {
  let x = h ^ Math.imul(number, 0x9e3779b1)
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b)
  return x ^ (x >>> 13)
}

/** The first bucket of a hash in a table of `capacity` buckets (any capacity). */
const home = (h: number, capacity: number): number => Math.floor(((h >>> 0) / 4294967296) * capacity)

const uuid = new Int32Array(4)

/** How many entries a merchant puts in the shared tables: `[pg, keys]` (none for a code that is not canonical). */
export const entriesOf = (self: IndexState): readonly [number, number] => {
  if (codeNumber(self.code) === -1) return [0, 0]
  const cells = self.cells
  let pg = 0
  const mask = cells[MAIN + S_PG_MASK]!
  const table = cells[MAIN + S_PG]!
  for (let b = 0; b <= mask; b++) {
    const k = table + PG_BUCKET * b
    if (cells[k + 1] !== 0 && cells[k + 3] !== -1) pg++
  }
  return [pg, self.channels.length - (self.oddKeys?.size ?? 0)]
}

export class FastTables {
  readonly pg: Int32Array
  readonly pgRefs: Array<Channel | undefined>
  readonly pgCapacity: number
  readonly keys: Int32Array
  readonly keyRefs: Array<Channel | undefined>
  readonly keyCapacity: number
  /** Per ordinal and slot, the channel the default answers first, and its method mask. */
  defaults: Array<Channel | undefined> = []
  defaultMasks = new Int32Array(64 * SLOTS)
  /**
   * Per ordinal: bit 0, a test channel; bit 1, a live one; bit 2, the `fallback` policy. A copy
   * of what each merchant's scope header says, kept because a byte per merchant stays in cache
   * where the headers (a hundred bytes each) do not: reading them instead cost ~40 ns a request.
   */
  modes = new Uint8Array(64)
  /** Buckets in use or deleted, which probing walks through. */
  pgFilled = 0
  keyFilled = 0

  /** The directory's indexes by ordinal (its own array), for the miss paths. */
  readonly indexes: ReadonlyArray<IndexState | undefined>

  constructor(pgEntries: number, keyEntries: number, indexes: ReadonlyArray<IndexState | undefined>) {
    this.indexes = indexes
    // At most 60% full when made; rebuilt past 80%.
    this.pgCapacity = Math.max(16, Math.ceil(pgEntries / 0.6))
    this.keyCapacity = Math.max(16, Math.ceil(keyEntries / 0.6))
    this.pg = new Int32Array(this.pgCapacity * PG)
    this.pgRefs = new Array<Channel | undefined>(this.pgCapacity).fill(undefined)
    this.keys = new Int32Array(this.keyCapacity * KEY)
    this.keyRefs = new Array<Channel | undefined>(this.keyCapacity).fill(undefined)
  }

  /** Whether `pg` and `keys` more entries fit without passing 80%. */
  fits(pg: number, keys: number): boolean {
    return 5 * (this.pgFilled + pg) <= 4 * this.pgCapacity && 5 * (this.keyFilled + keys) <= 4 * this.keyCapacity
  }

  /** Adds a merchant whose region sits in `cells` from `base`, its channels in `refs` from `refBase`. */
  add(ordinal: number, self: IndexState, cells: Int32Array, base: number, refs: ReadonlyArray<Channel>, refBase: number): void {
    this.visit(ordinal, self, cells, base, refs, refBase, true)
  }

  /** Removes what `add` added for the same arguments. */
  remove(ordinal: number, self: IndexState, cells: Int32Array, base: number, refs: ReadonlyArray<Channel>, refBase: number): void {
    this.visit(ordinal, self, cells, base, refs, refBase, false)
  }

  private visit(ordinal: number, self: IndexState, cells: Int32Array, base: number, refs: ReadonlyArray<Channel>, refBase: number, adding: boolean): void {
    // Only canonical merchant codes are looked up here (see `resolveFast`).
    const number = codeNumber(self.code)
    if (number === -1) return
    const owner = ordinal + 1
    const at = base + MAIN
    const mask = cells[at + S_PG_MASK]!
    const table = base + cells[at + S_PG]!
    const pg = this.pg
    for (let b = 0; b <= mask; b++) {
      const k = table + PG_BUCKET * b
      const first = cells[k + 1]! - 1
      const n = cells[k + 3]!
      if (first === -1 || n === -1) continue
      const h = ownHash(cells[k]!, number)
      let g = home(h, this.pgCapacity)
      if (adding) {
        while (pg[g * PG + P_OWNER]! > 0) g = g + 1 === this.pgCapacity ? 0 : g + 1
        const q = g * PG
        if (pg[q + P_OWNER] === 0) this.pgFilled++
        pg[q] = h
        pg[q + P_OWNER] = owner
        pg[q + P_LENGTH] = n
        pg[q + P_MASK] = cells[base + cells[k + 2]! + 1]!
        for (let i = 0; i < 8; i++) pg[q + P_CHARS + i] = cells[k + 4 + i]!
        this.pgRefs[g] = refs[refBase + first]
      } else {
        for (;; g = g + 1 === this.pgCapacity ? 0 : g + 1) {
          const q = g * PG
          if (pg[q + P_OWNER] === owner && pg[q] === h && pg[q + P_LENGTH] === n && sameCells(pg, q + P_CHARS, cells, k + 4)) {
            pg[q + P_OWNER] = DELETED
            this.pgRefs[g] = undefined
            break
          }
        }
      }
    }
    const keys = this.keys
    const records = base + cells[at + S_RECORDS]!
    for (let c = 0; c < self.channels.length; c++) {
      if (self.oddKeys?.has(self.channels[c]!.key) === true) continue
      const r = records + RECORD * c
      for (let i = 0; i < 4; i++) uuid[i] = cells[r + 2 + i]!
      let g = home(keyHash(uuid), this.keyCapacity)
      if (adding) {
        while (keys[g * KEY + K_OWNER]! > 0) g = g + 1 === this.keyCapacity ? 0 : g + 1
        const q = g * KEY
        if (keys[q + K_OWNER] === 0) this.keyFilled++
        for (let i = 0; i < 4; i++) keys[q + i] = uuid[i]!
        keys[q + K_OWNER] = owner
        keys[q + K_SLOT] = cells[r]!
        keys[q + K_MASK] = cells[r + 1]!
        this.keyRefs[g] = refs[refBase + c]
      } else {
        for (;; g = g + 1 === this.keyCapacity ? 0 : g + 1) {
          const q = g * KEY
          if (keys[q + K_OWNER] === owner && sameCells(keys, q, uuid, 0, 4)) {
            keys[q + K_OWNER] = DELETED
            this.keyRefs[g] = undefined
            break
          }
        }
      }
    }
    if (adding) {
      if (this.modes.length <= ordinal) this.grow(ordinal)
      const body = base + cells[at + S_AT]! + HEADER
      for (let s = 0; s < SLOTS; s++) {
        const first = cells[at + S_FIRST + s]! - 1
        this.defaults[ordinal * SLOTS + s] = first === -1 ? undefined : refs[refBase + first]
        this.defaultMasks[ordinal * SLOTS + s] = first === -1 ? 0 : cells[listOf(cells, body, s) + 1]!
      }
      this.modes[ordinal] = cells[at + S_MODES]! | ((cells[at + S_FLAGS]! & FLAG_FALLBACK) !== 0 ? FALLBACK : 0)
    } else {
      for (let s = 0; s < SLOTS; s++) this.defaults[ordinal * SLOTS + s] = undefined
      this.modes[ordinal] = 0
    }
  }

  private grow(ordinal: number): void {
    const modes = new Uint8Array(2 * (ordinal + 1))
    modes.set(this.modes)
    this.modes = modes
    const masks = new Int32Array(2 * (ordinal + 1) * SLOTS)
    masks.set(this.defaultMasks)
    this.defaultMasks = masks
  }
}

const sameCells = (a: Int32Array, at: number, b: Int32Array, bt: number, n = 8): boolean => {
  for (let i = 0; i < n; i++) if (a[at + i] !== b[bt + i]) return false
  return true
}

/**
 * The fast path's answer for a request, or undefined to leave it to the general path (which also
 * answers unknown merchants and codes that are not canonical). Its answers are exactly the
 * general path's. `numbers` and `mask` are the directory's table of merchant ordinals by the
 * number in their codes.
 *
 * A `pg` or key request computes its bucket from the request alone and reads it before looking
 * the merchant's ordinal up: both may miss the caches, and this way they wait together.
 *
 * Each kind of request (`channelKey`, `pg`, neither) is answered by a function of its own that
 * reads the request's other properties (the merchant too) itself. Requests decoded from JSON
 * come in as many object shapes as there are sets of present keys; a property read that sees
 * more than four shapes goes through V8's slow megamorphic lookup (~7 ns each). Split by kind,
 * each read sees the shapes of one kind only, and stays fast.
 */
export const resolveFast = (t: FastTables, numbers: Int32Array, mask: number, request: ResolveRequest): Outcome | undefined => {
  // `pg` first, the commonest kind; `byPg` hands the rare request with a key as well to `byKey`.
  const pg = request.pg
  if (pg !== undefined) return byPg(t, numbers, mask, request, pg)
  const key = request.channelKey
  return key !== undefined ? byKey(t, numbers, mask, request, key) : byDefault(t, numbers, mask, request)
}

/** The slot of a request the fast path can answer (no tier, a known mode), or -1. */
const slotIn = (tier: unknown, mode: string, purpose: string | undefined, paymentType: string | undefined): number => {
  const m = modeIndex(mode)
  return tier !== undefined || m === -1 ? -1 : slotFor(m, purpose, paymentType)
}

/** Whether the merchant at `ordinal` (-1: none) has channels of the slot's mode. */
const hasMode = (t: FastTables, ordinal: number, slot: number): boolean =>
  ordinal !== -1 && (t.modes[ordinal]! & (slot < SLOTS / 2 ? 1 : 2)) !== 0

/**
 * Whether the default channel at `first` takes the method `bit` (0: any). Without a method the
 * mask is not read: a line less to fetch for most requests.
 */
const takes = (t: FastTables, first: number, bit: number): boolean => bit === 0 || (t.defaultMasks[first]! & bit) !== 0

/** The bit of a requested pay method for the fast path (0: any), or -1 to leave it to the general path. */
const bitIn = (method: string | undefined): number => {
  if (method === undefined) return 0
  const bit = methodBit(method)
  return bit === 0 || bit === OVERFLOW ? -1 : bit
}

const byKey = (t: FastTables, numbers: Int32Array, mask: number, request: ResolveRequest, key: string): Outcome | undefined => {
  const number = codeNumber(request.merchant)
  if (number === -1 || !parseKey(key, uuid)) return undefined
  const keys = t.keys
  let g = home(keyHash(uuid), t.keyCapacity)
  let o = keys[g * KEY + K_OWNER]!
  let channel = t.keyRefs[g]
  const slot = slotIn(request.tier, request.mode, request.purpose, request.paymentType)
  const bit = bitIn(request.payMethod)
  if (slot === -1 || bit === -1) return undefined
  const ordinal = findNumber(numbers, mask, number)
  if (!hasMode(t, ordinal, slot)) return undefined
  const owner = ordinal + 1
  for (;;) {
    if (o === 0) return Miss.byKey(t.indexes[ordinal]!, request, key)
    const q = g * KEY
    if (o === owner && keys[q] === uuid[0] && keys[q + 1] === uuid[1] && keys[q + 2] === uuid[2] && keys[q + 3] === uuid[3]) {
      return keys[q + K_SLOT] === slot && (keys[q + K_MASK]! & bit) === bit
        ? success(channel!, VIA_KEY)
        : Miss.byKey(t.indexes[ordinal]!, request, key)
    }
    g = g + 1 === t.keyCapacity ? 0 : g + 1
    o = keys[g * KEY + K_OWNER]!
    channel = t.keyRefs[g]
  }
}

const byPg = (t: FastTables, numbers: Int32Array, mask: number, request: ResolveRequest, pg: string): Outcome | undefined => {
  const key = request.channelKey
  if (key !== undefined) return byKey(t, numbers, mask, request, key)
  const number = codeNumber(request.merchant)
  const slot = slotIn(request.tier, request.mode, request.purpose, request.paymentType)
  if (slot === -1 || number === -1) return undefined
  const h = ownHash(slotHash(packKey(pg), slot), number)
  const table = t.pg
  let g = home(h, t.pgCapacity)
  let o = table[g * PG + P_OWNER]!
  let channel = t.pgRefs[g]
  const bit = bitIn(request.payMethod)
  if (bit === -1 || !packedFits() || request.groupId !== undefined) return undefined
  const ordinal = findNumber(numbers, mask, number)
  if (!hasMode(t, ordinal, slot)) return undefined
  const owner = ordinal + 1
  const n = pg.length
  for (; o !== 0;) {
    const q = g * PG
    if (o === owner && table[q] === h && table[q + P_LENGTH] === n && samePacked(table, q + P_CHARS, n)) {
      // A later channel of the list may take a method the first does not: the general path.
      return (table[q + P_MASK]! & bit) === bit ? success(channel!, VIA_PG) : undefined
    }
    g = g + 1 === t.pgCapacity ? 0 : g + 1
    o = table[g * PG + P_OWNER]!
    channel = t.pgRefs[g]
  }
  // The merchant has no key `pg` for this slot: under `strict`, or with no default channel, the
  // error; under `fallback`, the default channel (unless it lacks the method and a later one in
  // the default list may take it: the general path).
  const self = t.indexes[ordinal]!
  if ((t.modes[ordinal]! & FALLBACK) === 0) return Miss.byPg(self, request, pg, undefined)
  const first = ordinal * SLOTS + slot
  const fallback = t.defaults[first]
  if (fallback === undefined) return Miss.byPg(self, request, pg, undefined)
  return takes(t, first, bit) ? Miss.byPg(self, request, pg, fallback) : undefined
}

const byDefault = (t: FastTables, numbers: Int32Array, mask: number, request: ResolveRequest): Outcome | undefined => {
  const number = codeNumber(request.merchant)
  const slot = slotIn(request.tier, request.mode, request.purpose, request.paymentType)
  const bit = bitIn(request.payMethod)
  if (slot === -1 || bit === -1 || number === -1 || request.groupId !== undefined) return undefined
  const ordinal = findNumber(numbers, mask, number)
  if (!hasMode(t, ordinal, slot)) return undefined
  const first = ordinal * SLOTS + slot
  const channel = t.defaults[first]
  return channel !== undefined && takes(t, first, bit) ? success(channel, VIA_DEFAULT) : undefined
}
