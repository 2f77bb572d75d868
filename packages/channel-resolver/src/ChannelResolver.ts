/**
 * Resolution across merchants, and the Effect API: a `ChannelResolver` service over a directory
 * of indexes, with group draws taken from Effect's `Random` so a seeded `Random` reproduces them.
 *
 * @since 0.1.0
 */
import type { PaymentChannel } from "@paymux/domain"
import { Context, Effect, Layer, Random, Result } from "effect"
import * as ChannelIndex from "./ChannelIndex.ts"
import { type IndexState, resolveIn } from "./internal/core.ts"
import { entriesOf, FastTables, resolveFast } from "./internal/fast.ts"
import * as Miss from "./internal/miss.ts"
import { codeNumber, findNumber, HEADER, insertNumber, MAIN, removeNumber } from "./internal/table.ts"
import type { Resolution, ResolveRequest } from "./Resolution.ts"
import type { ResolutionError } from "./ResolutionError.ts"

/**
 * Finds the index of a merchant code: for hosts that keep indexes elsewhere (a cache that builds
 * on first use, say). A `Directory` does the same job faster.
 *
 * @since 0.1.0
 * @category models
 */
export type IndexLookup = (merchant: string) => ChannelIndex.ChannelIndex | undefined

type Channel = PaymentChannel.PaymentChannel

/** Cells per merchant row: `[base, refBase, main scope header]`, by ordinal. */
const ROW = 2 + HEADER
const R_BASE = 0
const R_REFS = 1
const R_HEADER = 2

/**
 * The indexes of many merchants, by merchant code, resolving across them.
 *
 * A directory copies each index's lookup tables into one array shared by all its merchants (and
 * their channels into one shared list), so a resolution reads a few lines of that array and
 * nothing else: no index or table object per merchant to chase through a heap that, with
 * thousands of merchants, no cache holds. The tables are immutable, so an index in a directory
 * reads its own from the directory's copy and the original is dropped: one copy in memory. A
 * merchant's ordinal (found by the number in its code) leads to its row: where its tables start
 * and the header of its own scope, in one small array. `set` replaces a merchant's index when its
 * channels change; the space of replaced and deleted indexes is reclaimed by compacting once it
 * exceeds what is in use. Resolution is synchronous, so a resolution never sees a half-made change.
 *
 * @since 0.1.0
 * @category models
 */
export class Directory {
  /** Ordinal by merchant code; an ordinal is reused after a delete. */
  private readonly ordinals = new Map<string, number>()
  private readonly indexes: Array<IndexState | undefined> = []
  private readonly free: Array<number> = []
  /**
   * Ordinal by the number of a canonical merchant code: an open-addressing table of
   * `[number, 1 + ordinal]` (0: empty), at most half full, remade when it grows.
   */
  private numbers = new Int32Array(64)
  private numberMask = 31
  /** Per ordinal: where its region starts in `cells`, its channels in `refs`, its scope header. */
  private rows = new Int32Array(16 * ROW)
  private cells: Int32Array
  private used = 0
  private refs: Array<Channel> = []
  /** Cells that belong to replaced or deleted indexes. */
  private dead = 0
  private readonly fastPath: boolean
  /** Every merchant's entries in tables addressed by the request alone (see internal/fast.ts). */
  private fast: FastTables | undefined

  constructor(indexes: Iterable<ChannelIndex.ChannelIndex> = [], options: DirectoryOptions = {}) {
    const list = [...indexes] as ReadonlyArray<unknown> as ReadonlyArray<IndexState>
    // One arena of the right size for the indexes given up front, and shared tables made once.
    let total = 0
    for (const self of list) total += self.cells.length
    this.cells = new Int32Array(Math.max(1024, total))
    this.fastPath = options.fastPath === true
    for (const self of list) this.set(self as unknown as ChannelIndex.ChannelIndex)
    this.rebuildFast(1)
  }

  /** The number of merchants. */
  get size(): number {
    return this.ordinals.size
  }

  /** The index of a merchant code, or undefined. */
  get(merchant: string): ChannelIndex.ChannelIndex | undefined {
    const ordinal = this.ordinals.get(merchant)
    return ordinal === undefined ? undefined : this.indexes[ordinal] as ChannelIndex.ChannelIndex
  }

  has(merchant: string): boolean {
    return this.ordinals.has(merchant)
  }

  /** The indexes, in no particular order. */
  values(): Array<ChannelIndex.ChannelIndex> {
    return this.indexes.filter((index) => index !== undefined) as Array<ChannelIndex.ChannelIndex>
  }

  /** Adds the index of its merchant, replacing the one it had. */
  set(index: ChannelIndex.ChannelIndex): this {
    const self = index as IndexState
    let ordinal = this.ordinals.get(self.code)
    if (ordinal === undefined) {
      ordinal = this.free.pop() ?? this.indexes.length
      this.ordinals.set(self.code, ordinal)
      // A code that is not canonical is found through `ordinals` alone.
      const number = codeNumber(self.code)
      if (number !== -1) {
        if (2 * this.ordinals.size > this.numberMask + 1) this.renumber()
        else insertNumber(this.numbers, this.numberMask, number, ordinal)
      }
    } else {
      this.unlist(ordinal)
    }
    this.place(ordinal, self)
    if (this.compactIfWasteful() || this.fast === undefined) return this
    const [pg, keys] = entriesOf(self)
    if (this.fast.fits(pg, keys)) this.addFast(ordinal)
    else this.rebuildFast()
    return this
  }

  /** Removes a merchant; false when it had no index. */
  delete(merchant: string): boolean {
    const ordinal = this.ordinals.get(merchant)
    if (ordinal === undefined) return false
    this.unlist(ordinal)
    this.ordinals.delete(merchant)
    const number = codeNumber(merchant)
    if (number !== -1) removeNumber(this.numbers, this.numberMask, number)
    this.indexes[ordinal] = undefined
    this.free.push(ordinal)
    this.compactIfWasteful()
    return true
  }

  /** Resolves a request against its merchant's index; `UnknownMerchant` when there is none. */
  resolve(request: ResolveRequest, random?: () => number): Result.Result<Resolution, ResolutionError> {
    if (this.fast !== undefined) {
      const answer = resolveFast(this.fast, this.numbers, this.numberMask, request)
      if (answer !== undefined) return answer
    }
    const code = request.merchant
    const number = codeNumber(code)
    const ordinal = number === -1 ? this.ordinals.get(code) : findNumber(this.numbers, this.numberMask, number)
    if (ordinal === undefined || ordinal === -1) return Miss.unknownMerchant(request)
    const rows = this.rows
    const k = ordinal * ROW
    return resolveIn(this.indexes[ordinal]!, this.cells, rows[k + R_BASE]!, this.refs, rows[k + R_REFS]!, rows, k + R_HEADER, request, random ?? Math.random)
  }

  /** Remakes the number table for the merchants held now. */
  private renumber(): void {
    let capacity = 32
    while (capacity < 2 * this.ordinals.size) capacity *= 2
    this.numbers = new Int32Array(2 * capacity)
    this.numberMask = capacity - 1
    for (const [code, ordinal] of this.ordinals) {
      const number = codeNumber(code)
      if (number !== -1) insertNumber(this.numbers, this.numberMask, number, ordinal)
    }
  }

  /** Takes a merchant's current index out of the shared tables, its region becoming dead space. */
  private unlist(ordinal: number): void {
    const k = ordinal * ROW
    this.fast?.remove(ordinal, this.indexes[ordinal]!, this.cells, this.rows[k + R_BASE]!, this.refs, this.rows[k + R_REFS]!)
    this.dead += this.indexes[ordinal]!.cells.length
  }

  private addFast(ordinal: number): void {
    const k = ordinal * ROW
    this.fast!.add(ordinal, this.indexes[ordinal]!, this.cells, this.rows[k + R_BASE]!, this.refs, this.rows[k + R_REFS]!)
  }

  /**
   * Remakes the shared tables (when the directory keeps them) for the merchants held now, with
   * room for `headroom` times their entries.
   */
  private rebuildFast(headroom = 2): void {
    if (!this.fastPath) return
    let pg = 0
    let keys = 0
    for (const ordinal of this.ordinals.values()) {
      const [p, k] = entriesOf(this.indexes[ordinal]!)
      pg += p
      keys += k
    }
    this.fast = new FastTables(headroom * pg, headroom * keys, this.indexes)
    for (const ordinal of this.ordinals.values()) this.addFast(ordinal)
  }

  /** Copies a merchant's region and channels to the end of the arena and writes its row. */
  private place(ordinal: number, self: IndexState): void {
    const region = self.cells
    if (this.used + region.length > this.cells.length) this.grow(region.length)
    this.cells.set(region, this.used)
    // The index now reads its (immutable) region from the arena, so only one copy stays alive.
    self.cells = this.cells.subarray(this.used, this.used + region.length)
    this.indexes[ordinal] = self
    if ((ordinal + 1) * ROW > this.rows.length) {
      const grown = new Int32Array(2 * (ordinal + 1) * ROW)
      grown.set(this.rows)
      this.rows = grown
    }
    const k = ordinal * ROW
    this.rows[k + R_BASE] = this.used
    this.rows[k + R_REFS] = this.refs.length
    this.rows.set(region.subarray(MAIN, MAIN + HEADER), k + R_HEADER)
    this.used += region.length
    for (const channel of self.channels) this.refs.push(channel)
  }

  /** Moves the arena to a larger array, pointing the live indexes at their regions in it. */
  private grow(needed: number): void {
    const grown = new Int32Array(Math.max(2 * this.cells.length, this.used + needed))
    grown.set(this.cells.subarray(0, this.used))
    this.cells = grown
    this.indexes.forEach((self, ordinal) => {
      if (self === undefined) return
      const base = this.rows[ordinal * ROW + R_BASE]!
      self.cells = grown.subarray(base, base + self.cells.length)
    })
  }

  /** Rebuilds the arena from the live indexes once dead space exceeds live space; true if it did. */
  private compactIfWasteful(): boolean {
    if (this.dead < 4096 || 2 * this.dead <= this.used) return false
    let total = 0
    for (const ordinal of this.ordinals.values()) total += this.indexes[ordinal]!.cells.length
    // Sized for every live region, so `place` never grows it while regions are being moved.
    this.cells = new Int32Array(Math.max(1024, total + (total >> 2)))
    this.used = 0
    this.refs = []
    this.dead = 0
    for (const ordinal of this.ordinals.values()) this.place(ordinal, this.indexes[ordinal]!)
    this.rebuildFast()
    return true
  }
}

/**
 * How a directory trades memory for speed.
 *
 * @since 0.1.0
 * @category models
 */
export interface DirectoryOptions {
  /**
   * Keep, besides each merchant's tables, lookup tables shared by all merchants and addressed by
   * the request alone, which answer most requests with one round trip to memory instead of three
   * or four (default: false). Over 10,000 merchants they made random-order traffic about 25%
   * faster and Zipf-skewed traffic about 5-10% faster, and long runs of one merchant's requests
   * about 40% slower (that merchant's own tables stay in cache; shared ones do not). They about
   * double the directory's memory.
   */
  readonly fastPath?: boolean | undefined
}

/**
 * A directory over a set of indexes (later indexes of the same merchant replace earlier ones).
 *
 * @since 0.1.0
 * @category constructors
 */
export const directory = (indexes: Iterable<ChannelIndex.ChannelIndex> = [], options: DirectoryOptions = {}): Directory =>
  new Directory(indexes, options)

/**
 * Resolves a request against the index of its merchant; `UnknownMerchant` when there is none.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolveSync = (
  lookup: Directory | IndexLookup,
  request: ResolveRequest,
  random?: () => number
): Result.Result<Resolution, ResolutionError> => {
  if (typeof lookup !== "function") return lookup.resolve(request, random)
  const index = lookup(request.merchant)
  return index === undefined ? Miss.unknownMerchant(request) : ChannelIndex.resolve(index, request, random)
}

/**
 * `ChannelIndex.resolve` as an Effect. A group request draws its number from the `Random`
 * service; other requests draw nothing.
 *
 * @since 0.1.0
 * @category resolution
 */
export const resolve = (index: ChannelIndex.ChannelIndex, request: ResolveRequest): Effect.Effect<Resolution, ResolutionError> =>
  request.groupId === undefined || request.channelKey !== undefined
    ? Effect.suspend(() => Effect.fromResult(ChannelIndex.resolve(index, request)))
    : Effect.flatMap(Random.next, (x) => Effect.fromResult(ChannelIndex.resolve(index, request, () => x)))

/**
 * The resolver as a service, for programs that look merchants up by code.
 *
 * @since 0.1.0
 * @category services
 */
export class ChannelResolver extends Context.Service<ChannelResolver, {
  readonly resolve: (request: ResolveRequest) => Effect.Effect<Resolution, ResolutionError>
}>()("@paymux/channel-resolver/ChannelResolver") {}

/**
 * Provides `ChannelResolver` over a directory (or a lookup function). Group draws take their
 * number from the `Random` service.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (lookup: Directory | IndexLookup): Layer.Layer<ChannelResolver> =>
  Layer.succeed(ChannelResolver, ChannelResolver.of({
    resolve: (request) =>
      request.groupId === undefined || request.channelKey !== undefined
        ? Effect.suspend(() => Effect.fromResult(resolveSync(lookup, request)))
        : Effect.flatMap(Random.next, (x) => Effect.fromResult(resolveSync(lookup, request, () => x)))
  }))
