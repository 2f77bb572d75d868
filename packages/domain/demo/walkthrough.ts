// A short walk through the domain model: what `npm start` prints until the CLI's demo lands.
import { Effect, Random, Result } from "effect"
import { ChannelGroup, Identifiers, Merchant, PaymentChannel, PgCatalog, SubMerchant, WebhookSettings } from "@paymux/domain"

const catalog = PgCatalog.builtIn
const say = (line: string) => console.log(line)
const show = <A, E extends { message: string }>(label: string, r: Result.Result<A, E>): A | undefined => {
  if (Result.isSuccess(r)) return r.success
  say(`  ✗ ${label}: ${r.failure.message}`)
  return undefined
}

const [k1, k2, k3, gid] = Effect.runSync(
  Effect.all([Identifiers.generateChannelKey, Identifiers.generateChannelKey, Identifiers.generateChannelKey, Identifiers.generateChannelGroupId]).pipe(Random.withSeed("paymux-demo"))
)
say(`PG catalog: ${catalog.providers.size} PGs; without a shared test credential: ${PgCatalog.withoutSharedTestCredential(catalog).join(", ")}`)
const merchant = Result.getOrThrow(Merchant.make({ code: "imp12345678", name: "Demo Shop", createdAt: 0 }))
say(`Merchant ${merchant.code} "${merchant.name}", policy ${merchant.policy}`)

const kcp = Result.getOrThrow(PaymentChannel.make(catalog, { key: k1!, merchant: merchant.code, mode: "test", pg: "kcp", paymentType: "window.general", payMethods: ["card", "vbank"], sequence: 1, createdAt: 1 }))
say(`Test channel ${PaymentChannel.pgString(kcp)} on the shared test credential (${kcp.credentialSource})`)
const nice = Result.getOrThrow(PaymentChannel.make(catalog, { key: k2!, merchant: merchant.code, mode: "live", pg: "nice_v2", mid: "nicepay01m", paymentType: "window.general", payMethods: ["card"], credentials: { merchant_key: "demo-merchant-key", cancel_password: "0000" }, sequence: 2, createdAt: 2 }))
say(`Live channel ${PaymentChannel.pgString(nice)}, credentials as shown: ${JSON.stringify(PaymentChannel.view(catalog, nice).credentials)}`)
show("Naver Pay test channel without a MID", PaymentChannel.make(catalog, { key: k3!, merchant: merchant.code, mode: "test", pg: "naverpay", paymentType: "window.simple", payMethods: ["naverpay"], sequence: 3, createdAt: 3 }))
show("NICE cancel password of 12 characters", PaymentChannel.edit(catalog, nice, { credentials: { cancel_password: "123456789012" } }))
show("a typo in the PG code", PaymentChannel.make(catalog, { key: k3!, merchant: merchant.code, mode: "test", pg: "tosspayment", paymentType: "window.general", payMethods: ["card"], sequence: 3, createdAt: 3 }))

const sub = Result.getOrThrow(Result.flatMap(SubMerchant.make({ merchant: merchant.code, tier: "A01", createdAt: 4 }), (s) => SubMerchant.assign(s, kcp)))
say(`Sub-merchant tier ${sub.tier} may use ${sub.channels.length} channel(s)`)
const second = Result.getOrThrow(PaymentChannel.make(catalog, { key: k3!, merchant: merchant.code, mode: "test", pg: "html5_inicis", paymentType: "window.general", payMethods: ["card"], sequence: 3, createdAt: 5 }))
const group = Result.getOrThrow(ChannelGroup.make({ id: gid!, merchant: merchant.code, name: "Split", mode: "test", members: [{ channel: kcp.key, weight: 70 }, { channel: second.key, weight: 30 }], createdAt: 6 }, [kcp, nice, second]))
say(`Channel group "${group.name}": ${group.members.map((m) => `${m.weight}%`).join(" / ")}`)
for (const finding of WebhookSettings.readiness(WebhookSettings.empty(merchant.code), [kcp, nice, second])) say(`Readiness: ${finding.reason}`)
