/**
 * The story `paymux demo` tells, one function per step, over the admin use cases and a real store.
 *
 * @since 0.1.0
 */
import type { AdminError, AdminServices } from "@paymux/admin"
import type { ChannelTerms } from "@paymux/domain"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Resolve from "../commands/Resolve.ts"
import { ApiKeys, Channels, Merchants, WebhookEndpoints, Webhooks, Whitelists } from "../internal/lazy.ts"
import * as Output from "../Output.ts"
import * as DemoReceiver from "./DemoReceiver.ts"
import type { Narrator } from "./Narrator.ts"
import { merchant } from "./merchant.ts"

type Fx<A> = Effect.Effect<A, AdminError.AdminError, AdminServices.AdminServices>

/**
 * The demo's merchant: a fixed code so the printed commands can be copied.
 *
 * @since 0.1.0
 * @category constants
 */
export { merchant }
/**
 * The demo's sub-merchant tier.
 *
 * @since 0.1.0
 * @category constants
 */
export const tier = "A01"

interface ChannelCard {
  readonly label: string
  readonly mode: ChannelTerms.Mode
  readonly pg: string
  readonly mid?: string
  readonly paymentType: ChannelTerms.PaymentType
  readonly payMethods: ReadonlyArray<string>
  readonly credentials?: Record<string, string>
}

// Credential values are made up; they are here to show that they are stored encrypted and
// never printed.
const cards: ReadonlyArray<ChannelCard> = [
  { label: "KCP test (shared AO09C)", mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "trans", "vbank"] },
  {
    label: "KG Inicis test (shared INIpayTest)",
    mode: "test",
    pg: "html5_inicis",
    paymentType: "window.general",
    payMethods: ["card", "trans"]
  },
  { label: "Kakao Pay test (shared TC0ONETIME)", mode: "test", pg: "kakaopay", paymentType: "window.simple", payMethods: ["kakaopay"] },
  {
    label: "NICE test, MID a",
    mode: "test",
    pg: "nice_v2",
    mid: "iamport00m",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { merchant_key: "nice-demo-merchant-key-a", cancel_password: "demo0001" }
  },
  {
    label: "NICE test, MID b",
    mode: "test",
    pg: "nice_v2",
    mid: "nictest00m",
    paymentType: "window.general",
    payMethods: ["card", "vbank"],
    credentials: { merchant_key: "nice-demo-merchant-key-b", cancel_password: "demo0002" }
  },
  {
    label: "KCP live",
    mode: "live",
    pg: "kcp",
    // The merchant's own site code, as KCP issues one at contract: a live channel never uses one of
    // KCP's shared test codes (the catalog lists them, and notes A52Q7 and T0000 of the V2 module).
    mid: "DCR01",
    paymentType: "window.general",
    payMethods: ["card"],
    credentials: { site_key: "demo-kcp-site-key-0001" }
  },
  {
    label: "Toss Payments live",
    mode: "live",
    pg: "tosspayments",
    mid: "tosslive01",
    paymentType: "window.general",
    payMethods: ["card", "trans"],
    credentials: { client_key: "live_ck_demo0001", secret_key: "live_sk_demo_secret_0001" }
  }
]

/**
 * Step 1: a merchant and a sub-merchant.
 *
 * @since 0.1.0
 * @category steps
 */
export const merchantAndTier = (n: Narrator): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("Merchant and sub-merchant")
    const m = yield* Merchants.create({ name: "Demo Coffee Roasters", code: merchant })
    yield* n.line(`merchant ${m.code} "${m.name}" (policy: ${m.policy}: an unmatched pg falls back to the default channel)`, {
      merchant: m.code
    })
    const s = yield* Merchants.createSubMerchant({ merchant, tier, name: "Gangnam branch" })
    yield* n.line(`sub-merchant ${s.tier} "${s.name}": it may use only the channels assigned to it`, { tier: s.tier })
  })

/**
 * Step 2: test and live channels of several PGs; returns their keys by label.
 *
 * @since 0.1.0
 * @category steps
 */
export const channels = (n: Narrator): Fx<ReadonlyMap<string, string>> =>
  Effect.gen(function* () {
    yield* n.step("Channels: test and live, several PGs, two MIDs of one PG")
    const keys = new Map<string, string>()
    for (const [i, card] of cards.entries()) {
      yield* n.progress("adding channels", i, cards.length)
      const saved = yield* Channels.add({ merchant, ...card })
      keys.set(card.label, saved.key)
    }
    yield* n.progress("adding channels", cards.length, cards.length)
    const all = yield* Channels.list(merchant)
    const views = yield* Effect.forEach(all, Channels.view)
    yield* n.line(
      Output.table(
        ["#", "MODE", "PG", "MID", "TYPE", "METHODS", "CREDENTIALS"],
        views.map((c) => [
          c.sequence,
          c.mode,
          c.pg,
          c.credentialSource === "shared-test" ? `${c.mid} (shared)` : c.mid,
          c.paymentType,
          c.payMethods.join(","),
          Object.entries(c.credentials)
            .map(([k, v]) => `${k}=${v}`)
            .join(" ")
        ])
      ),
      { channels: views.length }
    )
    yield* n.line("secret credential fields are stored encrypted and shown masked")
    return keys
  })

/**
 * Step 3: Naver Pay refused without the PG-provided test MID, accepted with it.
 *
 * @since 0.1.0
 * @category steps
 */
export const naverPay = (n: Narrator): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("Naver Pay needs the test MID Naver issued")
    const card = { merchant, mode: "test" as const, pg: "naverpay", paymentType: "window.simple" as const, payMethods: ["naverpay"] }
    const refused = yield* Effect.result(Channels.add(card))
    const reason = refused._tag === "Failure" ? refused.failure.message : "accepted (unexpected)"
    yield* n.line(`without --mid: refused: ${reason}`, { withoutMid: refused._tag === "Failure" ? "refused" : "accepted" })
    const saved = yield* Channels.add({
      ...card,
      mid: "np_partner_test01",
      credentials: { client_id: "naver-demo-client", client_secret: "naver-demo-client-secret-0001", chain_id: "naver-demo-chain" }
    })
    yield* n.line(
      `with --mid np_partner_test01 and its Client ID, secret and Chain ID (--cred): added ${saved.pg}.${saved.mid} (${saved.key})`,
      {
        withMid: "added"
      }
    )
  })

/**
 * Step 4: the default test channel and the tier's channels.
 *
 * @since 0.1.0
 * @category steps
 */
export const defaults = (n: Narrator, keys: ReadonlyMap<string, string>): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("Default channel and tier assignment")
    const kcp = keys.get("KCP test (shared AO09C)")!
    yield* Channels.setDefault(merchant, kcp)
    yield* n.line(`default test channel: kcp.AO09C (used when pg is absent or, under fallback, unmatched)`)
    yield* Channels.assign(merchant, tier, kcp)
    yield* Channels.assign(merchant, tier, keys.get("Kakao Pay test (shared TC0ONETIME)")!)
    yield* n.line(`tier ${tier} may use kcp.AO09C and kakaopay.TC0ONETIME`)
  })

/**
 * Step 5: `request_pay` resolutions, hits and misses.
 *
 * @since 0.1.0
 * @category steps
 */
export const resolutions = (n: Narrator): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("Resolving request_pay calls")
    const ask = (label: string, request: Resolve.Request) =>
      Effect.gen(function* () {
        const a = yield* Resolve.answer(request)
        yield* n.line(`${label}\n${a.text}`, { request: label, answer: a.json })
      })
    yield* ask(`pg: "html5_inicis" (code only), pay_method card`, { merchant, mode: "test", pg: "html5_inicis", payMethod: "card" })
    yield* ask(`pg: "nice_v2.nictest00m" (code.MID), pay_method vbank`, {
      merchant,
      mode: "test",
      pg: "nice_v2.nictest00m",
      payMethod: "vbank"
    })
    yield* ask(`pg absent, pay_method card`, { merchant, mode: "test", payMethod: "card" })
    yield* ask(`pg: "kcpp" (a typo), pay_method card: falls back and says so`, { merchant, mode: "test", pg: "kcpp", payMethod: "card" })
    yield* Merchants.setPolicy(merchant, "strict")
    yield* ask(`strict policy, pg: "tosspayments" in test mode (Toss has only a live channel)`, {
      merchant,
      mode: "test",
      pg: "tosspayments",
      payMethod: "card"
    })
    yield* ask(`tier ${tier}, pg: "html5_inicis" (not assigned to the tier)`, {
      merchant,
      tier,
      mode: "test",
      pg: "html5_inicis",
      payMethod: "card"
    })
    yield* Merchants.setPolicy(merchant, "fallback")
  })

/**
 * Step 6: the whitelist, stored normalised, and address checks.
 *
 * @since 0.1.0
 * @category steps
 */
export const whitelist = (n: Narrator): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("Security whitelist")
    const view = yield* Whitelists.set(merchant, ["203.0.113.0/25", "203.0.113.128/25", "2001:DB8::/32"])
    yield* n.line(`set 203.0.113.0/25 203.0.113.128/25 2001:DB8::/32 -> stored as ${view.rules.join(" ")}`, { rules: view.rules })
    for (const ip of ["203.0.113.7", "::ffff:203.0.113.7", "2001:db8::1", "198.51.100.1"]) {
      const r = yield* Whitelists.check(merchant, ip)
      yield* n.line(`${ip.padEnd(20)} ${r.allowed ? `allowed (${r.matchedRule})` : "denied"}`, { ip, allowed: r.allowed })
    }
  })

/**
 * Step 7: a signed test notification verified by a local receiver.
 *
 * @since 0.1.0
 * @category steps
 */
export const webhook = (n: Narrator): Fx<void> =>
  Effect.scoped(
    Effect.gen(function* () {
      yield* n.step("Webhook: a signed test notification to a local receiver")
      const missing = yield* WebhookEndpoints.readiness(merchant)
      for (const m of missing) yield* n.line(`readiness: ${m.reason}`)
      const placeholder = yield* WebhookEndpoints.set({ merchant, mode: "test", url: "http://127.0.0.1:9/placeholder" })
      // The receiver needs the secret before it listens; the URL is then saved with its port.
      const secret = placeholder.newSecret ?? Redacted.make("")
      yield* n.line("a new test signing secret was created (printed once by `paymux webhook set`; kept out of this demo's output)")
      const receiver = yield* DemoReceiver.start(secret)
      yield* WebhookEndpoints.set({ merchant, mode: "test", url: receiver.url })
      yield* n.line(`receiver listening at ${receiver.url}; test URL saved`)
      yield* n.line("sending...")
      // The demo's receiver is on this machine: the local test-mode policy lets test URLs reach it.
      const result = yield* Webhooks.test(merchant, "test", { privateTargets: "test-mode" })
      const seen = receiver.received.at(-1)
      yield* n.line(
        `receiver answered ${result.httpStatus} in ${Math.round(result.latencyMillis)} ms; signature ${seen?.verified ? `verified (webhook-id ${seen.id}, type ${seen.type})` : `NOT verified: ${seen?.reason ?? "nothing received"}`}`,
        { delivered: result.ok, verified: seen?.verified === true }
      )
      const after = yield* WebhookEndpoints.readiness(merchant)
      yield* n.line(
        after.length === 0
          ? "readiness: every mode that needs a webhook URL has one"
          : `readiness: ${after.map((m) => m.reason).join("; ")}`
      )
    })
  )

/**
 * Step 8: API key issue, rotation, and the old secret refused.
 *
 * @since 0.1.0
 * @category steps
 */
export const apiKeys = (n: Narrator): Fx<void> =>
  Effect.gen(function* () {
    yield* n.step("API keys: issue, rotate, the old secret refused")
    const issued = yield* ApiKeys.issue({ merchant, name: "checkout-server" })
    yield* n.line(
      `issued ${issued.key.id} "${issued.key.name}" (the secret is shown once by \`paymux apikey issue\`; stored only as a hash)`
    )
    const first = yield* Effect.result(ApiKeys.verify(issued.key.id, issued.secret))
    yield* n.line(`verify with its secret: ${first._tag === "Success" ? "accepted" : "refused"}`, { firstSecret: first._tag === "Success" })
    const rotated = yield* ApiKeys.rotate(merchant, issued.key.id)
    const old = yield* Effect.result(ApiKeys.verify(issued.key.id, issued.secret))
    const fresh = yield* Effect.result(ApiKeys.verify(issued.key.id, rotated.secret))
    yield* n.line(
      `after rotation: old secret ${old._tag === "Success" ? "ACCEPTED (wrong)" : "refused"}, new secret ${fresh._tag === "Success" ? "accepted" : "refused"}`,
      { oldRefused: old._tag === "Failure", newAccepted: fresh._tag === "Success" }
    )
  })
