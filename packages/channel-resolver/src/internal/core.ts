import type { ChannelGroup, Merchant, PaymentChannel, PgCatalog } from "@paymux/domain"
import { Result } from "effect"
import type { Resolution, ResolveRequest, Via } from "../Resolution.ts"
import type { ResolutionError } from "../ResolutionError.ts"
import * as Miss from "./miss.ts"
import {
  channelOfKey,
  FLAG_FALLBACK,
  HEADER,
  inScope,
  MAIN,
  methodBit,
  modeIndex,
  listOf,
  packKey,
  parseKey,
  pgBucket,
  pickFrom,
  type Route,
  S_AT,
  S_FIRST,
  S_FLAGS,
  S_MODES,
  S_RECORDS,
  type Scope,
  serves,
  slotHash,
  typeIndex
} from "./table.ts"

type Channel = PaymentChannel.PaymentChannel

/** The built index behind the public `ChannelIndex` view. */
export interface IndexState {
  readonly code: string
  readonly merchant: Merchant.Merchant
  /** Every channel of the merchant, oldest first: channel number `c` is `channels[c]`. */
  readonly channels: ReadonlyArray<Channel>
  readonly groups: ReadonlyArray<ChannelGroup.ChannelGroup>
  readonly groupsById: ReadonlyMap<string, ChannelGroup.ChannelGroup>
  readonly catalog: PgCatalog.PgCatalog
  /** PG codes of the merchant's channels, which a `pg` string may use even if the catalog lacks them. */
  readonly codes: ReadonlySet<string>
  /**
   * The region (see table.ts) this index resolves from on its own. Its contents never change; a
   * directory that copies it points this at its copy, so the two share one array.
   */
  cells: Int32Array
  readonly main: Scope
  readonly tiers: ReadonlyMap<string, Scope>
  readonly oddKeys: ReadonlyMap<string, number> | undefined
}

type Outcome = Result.Result<Resolution, ResolutionError>

const vias: ReadonlyArray<Via> = ["pg", "default", "channelKey", "group"]
export const VIA_PG = 0
export const VIA_DEFAULT = 1
export const VIA_KEY = 2
const VIA_GROUP = 3

/** A fresh successful result: young and in cache, where a shared one would be one more miss. */
export const success = (channel: Channel, via: number): Outcome => Result.succeed({ channel, via: vias[via]! })

/**
 * The slot a request of mode `m` (not -1) asks for, given its `purpose` and `paymentType` (which
 * take their defaults here); -1 for a payment type outside the vocabulary or a purpose that
 * contradicts it (no channel matches; the miss path says why). It takes the values rather than
 * the request so that each caller reads the properties at its own sites (see fast.ts).
 */
export const slotFor = (m: number, purpose: string | undefined, paymentType: string | undefined): number => {
  const t = typeIndex(paymentType ?? (purpose === "identity-verification" ? "certification" : "window.general"))
  const consistent = purpose === undefined || (purpose === "identity-verification") === (t === 5)
  return consistent && t !== -1 ? m * 6 + t : -1
}

/** Scratch for the UUID of a requested key (resolution is synchronous, so one suffices). */
const uuid = new Int32Array(4)

/**
 * The number of the channel with this key, or -1 (in any scope: the caller checks assignment).
 * Without a region, the index's own.
 */
export const channelNumber = (
  self: IndexState,
  key: string,
  cells: Int32Array = self.cells,
  base = 0,
  header: Int32Array = self.cells,
  at = MAIN
): number => {
  if (parseKey(key, uuid)) return channelOfKey(cells, base, header, at, uuid)
  return self.oddKeys?.get(key) ?? -1
}

/** A weighted pick among the group members that serve the request; -1 when none does. */
const draw = (
  cells: Int32Array,
  records: number,
  route: Route,
  slot: number,
  method: string | undefined,
  bit: number,
  refs: ReadonlyArray<Channel>,
  refBase: number,
  random: () => number
): number => {
  const { members, weights } = route
  let total = 0
  for (let i = 0; i < members.length; i++) if (serves(cells, records, members[i]!, slot, method, bit, refs, refBase)) total += weights[i]!
  if (total === 0) return -1
  // Integer weights accumulate exactly, so the pick depends only on the drawn number.
  const x = random() * total
  let acc = 0
  let last = -1
  for (let i = 0; i < members.length; i++) {
    const member = members[i]!
    if (!serves(cells, records, member, slot, method, bit, refs, refBase)) continue
    acc += weights[i]!
    last = member
    if (x < acc) return member
  }
  return last
}

/** The signature of `resolveIn` and of its readers by kind (which get what the request asked for). */
type Reader = (
  self: IndexState,
  cells: Int32Array,
  base: number,
  refs: ReadonlyArray<Channel>,
  refBase: number,
  main: Int32Array,
  mainAt: number,
  request: ResolveRequest,
  random: () => number,
  asked?: string
) => Outcome

/**
 * Resolves a request of the index's merchant against its region, held in `cells` from `base`
 * with its channels in `refs` from `refBase` (the index's own arrays, or a directory's arena).
 * `main[mainAt]` is the header of the merchant's own scope: in the region, or a copy elsewhere.
 * The hot path reads the region and `refs` only; `self` is touched on tier, group and miss paths.
 *
 * Each kind of request (`channelKey`, `groupId`, `pg` or neither) reads the rest of its
 * properties in a function of its own, so each read sees the object shapes of one kind: decoded
 * JSON comes in a shape per set of present keys, and a read that sees more than four shapes
 * takes V8's slow megamorphic path (see fast.ts).
 */
export const resolveIn: Reader = (self, cells, base, refs, refBase, main, mainAt, request, random) => {
  const key = request.channelKey
  if (key !== undefined) return keyIn(self, cells, base, refs, refBase, main, mainAt, request, random, key)
  const groupId = request.groupId
  if (groupId !== undefined) return groupIn(self, cells, base, refs, refBase, main, mainAt, request, random, groupId)
  const pg = request.pg
  // One reader per kind, identical but for the kind: each is its own set of read sites.
  return pg !== undefined
    ? pgIn(self, cells, base, refs, refBase, main, mainAt, request, random, pg)
    : defaultIn(self, cells, base, refs, refBase, main, mainAt, request, random)
}

const keyIn: Reader = (self, cells, base, refs, refBase, main, mainAt, r, random, asked) =>
  resolveAsked(self, cells, base, refs, refBase, main, mainAt, r, random, r.tier, r.mode, r.purpose, r.paymentType, r.payMethod, ASK_KEY, asked)
const groupIn: Reader = (self, cells, base, refs, refBase, main, mainAt, r, random, asked) =>
  resolveAsked(self, cells, base, refs, refBase, main, mainAt, r, random, r.tier, r.mode, r.purpose, r.paymentType, r.payMethod, ASK_GROUP, asked)
const pgIn: Reader = (self, cells, base, refs, refBase, main, mainAt, r, random, asked) =>
  resolveAsked(self, cells, base, refs, refBase, main, mainAt, r, random, r.tier, r.mode, r.purpose, r.paymentType, r.payMethod, ASK_PG, asked)
const defaultIn: Reader = (self, cells, base, refs, refBase, main, mainAt, r, random) =>
  resolveAsked(self, cells, base, refs, refBase, main, mainAt, r, random, r.tier, r.mode, r.purpose, r.paymentType, r.payMethod, ASK_PG, undefined)

const ASK_KEY = 0
const ASK_GROUP = 1
const ASK_PG = 2

/**
 * `resolveIn` once the request's properties are read: `asked` is the channel key, the group id
 * or the `pg` string (undefined: the default), as `kind` says.
 */
const resolveAsked = (
  self: IndexState,
  cells: Int32Array,
  base: number,
  refs: ReadonlyArray<Channel>,
  refBase: number,
  main: Int32Array,
  mainAt: number,
  request: ResolveRequest,
  random: () => number,
  tier: string | undefined,
  mode: string,
  purpose: string | undefined,
  paymentType: string | undefined,
  method: string | undefined,
  kind: number,
  asked: string | undefined
): Outcome => {
  let header = main
  let at = mainAt
  if (tier !== undefined) {
    const found = self.tiers.get(tier)
    if (found === undefined) return Miss.unknownTier(self, tier)
    header = cells
    at = base + found.at
  }
  const m = modeIndex(mode)
  if (m === -1 || (header[at + S_MODES]! & (1 << m)) === 0) return Miss.noChannel(request, header, at)
  const slot = slotFor(m, purpose, paymentType)
  const bit = method === undefined ? 0 : methodBit(method)
  if (kind === ASK_KEY) {
    const key = asked!
    const c = channelNumber(self, key, cells, base, header, at)
    return c !== -1 && inScope(cells, base, header, at, c) && serves(cells, base + header[at + S_RECORDS]!, c, slot, method, bit, refs, refBase)
      ? success(refs[refBase + c]!, VIA_KEY)
      : Miss.byKey(self, request, key)
  }
  if (kind === ASK_GROUP) {
    const groupId = asked!
    const route = scopeOf(self, tier).routes.get(groupId)
    const c = route === undefined ? -1 : draw(cells, base + header[at + S_RECORDS]!, route, slot, method, bit, refs, refBase, random)
    return c === -1 ? Miss.byGroup(self, request, groupId) : success(refs[refBase + c]!, VIA_GROUP)
  }
  const pg = asked
  if (slot === -1) return pg === undefined ? Miss.byDefault(self, request) : Miss.byPg(self, request, pg, undefined)
  // The channel number comes from the bucket (or the header); the pay-method check that may
  // overrule it reads the answer list, so the channel is fetched while it runs.
  if (pg !== undefined) {
    const k = pgBucket(cells, base, header, at, pg, slotHash(packKey(pg), slot))
    if (k !== -1) {
      const first = cells[k + 1]! - 1
      const c = method === undefined ? first : pickFrom(cells, base + cells[k + 2]!, method, bit, refs, refBase, first)
      if (c !== -1) return success(refs[refBase + c]!, VIA_PG)
    }
  }
  // No `pg`, or one the index cannot answer: the default channel, if the policy allows.
  const first = header[at + S_FIRST + slot]! - 1
  const d = first === -1 || method === undefined
    ? first
    : pickFrom(cells, listOf(cells, base + header[at + S_AT]! + HEADER, slot), method, bit, refs, refBase, first)
  if (pg === undefined) return d === -1 ? Miss.byDefault(self, request) : success(refs[refBase + d]!, VIA_DEFAULT)
  const fallback = d !== -1 && (header[at + S_FLAGS]! & FLAG_FALLBACK) !== 0 ? refs[refBase + d]! : undefined
  return Miss.byPg(self, request, pg, fallback)
}

/** The scope object of a request's tier (which the hot path has already checked exists). */
export const scopeOf = (self: IndexState, tier: string | undefined): Scope => (tier === undefined ? self.main : self.tiers.get(tier)!)
