/** Hand-made channels for the rule-by-rule tests, built through the domain's own constructors. */
import { ChannelGroup, Merchant, PaymentChannel, PgCatalog, SubMerchant } from "@paymux/domain"
import { Result } from "effect"
import * as ChannelIndex from "../../src/ChannelIndex.ts"

export const code = "imp12345678"
let n = 0
const key = () => `channel-key-00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`

export const channel = (input: Partial<PaymentChannel.ChannelInput> & { pg: string; mid: string }): PaymentChannel.PaymentChannel =>
  Result.getOrThrow(
    PaymentChannel.make(PgCatalog.builtIn, {
      key: key(),
      merchant: code,
      mode: "test",
      paymentType: "window.general",
      payMethods: ["card"],
      sequence: n,
      createdAt: 0,
      credentials: credentialsOf(input.pg),
      ...input
    })
  )

const credentialsOf = (pg: string): Record<string, string> =>
  pg === "kcp"
    ? { site_key: "k" }
    : pg === "uplus"
      ? { mert_key: "k" }
      : pg === "nice_v2"
        ? { merchant_key: "k", cancel_password: "p" }
        : pg === "tosspayments"
          ? { client_key: "client_key_1", secret_key: "s" }
          : {}

export const merchant = (policy: "fallback" | "strict" = "fallback"): Merchant.Merchant =>
  Result.getOrThrow(Merchant.make({ code, name: "Shop", policy, createdAt: 0 }))

export const tier = (tierCode: string, channels: ReadonlyArray<PaymentChannel.PaymentChannel>): SubMerchant.SubMerchant => ({
  ...Result.getOrThrow(SubMerchant.make({ merchant: code, tier: tierCode, createdAt: 0 })),
  channels: channels.map((c) => c.key)
})

export const group = (
  members: ReadonlyArray<readonly [PaymentChannel.PaymentChannel, number]>,
  all: ReadonlyArray<PaymentChannel.PaymentChannel>
): ChannelGroup.ChannelGroup =>
  Result.getOrThrow(
    ChannelGroup.make(
      {
        id: "channel-group-00000000-0000-4000-8000-000000000001",
        merchant: code,
        name: "Routing",
        mode: members[0]![0].mode,
        members: members.map(([c, weight]) => ({ channel: c.key, weight })),
        createdAt: 0
      },
      all
    )
  )

export const index = (input: Omit<ChannelIndex.IndexInput, "merchant"> & { merchant?: Merchant.Merchant }): ChannelIndex.ChannelIndex =>
  Result.getOrThrow(ChannelIndex.make({ merchant: merchant(), ...input }))
