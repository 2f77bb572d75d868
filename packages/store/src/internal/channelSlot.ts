/**
 * A merchant has at most one channel per mode, PG, MID and payment type (its slot). Both stores
 * refuse a second one with this `Conflict`, which names the channel already in the slot.
 */
import * as StoreError from "../StoreError.ts"

export interface Slot {
  readonly merchant: string
  readonly mode: string
  readonly pg: string
  readonly mid: string
  readonly paymentType: string
}

export const slotTaken = (holder: string, slot: Slot): StoreError.StoreError =>
  StoreError.conflict(
    "channel",
    holder,
    `${slot.merchant} already has this ${slot.mode} ${slot.pg} channel with MID ${slot.mid} for ${slot.paymentType}`
  )
