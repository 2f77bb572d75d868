/**
 * The store-backed commands end to end through the built binary, against one store. Both the
 * SQLite and the PostgreSQL e2e files call it, so both adapters answer the same questions.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectExit, paymux, type RunOptions, transcript } from "./paymux.ts"

export interface StoreTarget {
  /** The `--db` value. */
  readonly db: string
  readonly env?: Record<string, string>
  readonly cleanup?: () => Promise<void>
}

// Credential values passed in; none of them may ever appear in any output.
const secrets = {
  kcpSiteKey: "e2e-kcp-site-key-7f3a9c",
  tossSecret: "e2e_toss_secret_key_51b2d8",
  naverSecret: "e2e-naver-client-secret-c4e1",
  niceKey: "e2e-nice-merchant-key-90aa",
  nicePassword: "e2eNice42"
}

export const storeSuite = (name: string, target: () => Promise<StoreTarget>) =>
  describe(`paymux on ${name}`, () => {
    let t: StoreTarget
    const run = (args: ReadonlyArray<string>, options: RunOptions = {}) =>
      paymux(["--db", t.db, ...args], { ...options, env: { ...t.env, ...options.env } })
    const M = "imp10000001"
    const keys: Record<string, string> = {}

    beforeAll(async () => {
      t = await target()
    })
    afterAll(async () => {
      await t?.cleanup?.()
    })

    it("creates and lists merchants and sub-merchants", async () => {
      const created = expectExit(await run(["merchant", "create", "--name", "E2E Shop", "--code", M, "--json"]), 0).json()
      expect(created).toMatchObject({ code: M, name: "E2E Shop", policy: "fallback" })
      expectExit(await run(["merchant", "create", "--name", "Again", "--code", M]), 2)
      expectExit(await run(["merchant", "create", "--name", "Bad", "--code", "imp123"]), 2)
      expect(expectExit(await run(["merchant", "list", "--json"]), 0).json()).toEqual(
        expect.arrayContaining([expect.objectContaining({ code: M })])
      )
      expectExit(await run(["merchant", "show", M]), 0)
      expectExit(await run(["merchant", "show", "imp99999999"]), 1)
      expectExit(await run(["submerchant", "create", "--merchant", M, "--tier", "T01", "--name", "Branch"]), 0)
      expectExit(await run(["submerchant", "create", "--merchant", M, "--tier", "toolong"]), 2)
      expect(expectExit(await run(["submerchant", "list", "--merchant", M, "--json"]), 0).json()).toEqual([
        expect.objectContaining({ tier: "T01" })
      ])
    })

    it("adds test and live channels and masks their secrets", async () => {
      const add = async (label: string, args: ReadonlyArray<string>) => {
        const r = expectExit(await run(["channel", "add", "--merchant", M, ...args, "--json"]), 0).json()
        keys[label] = r.key
        return r
      }
      const shared = await add("kcpTest", ["--mode", "test", "--pg", "kcp", "--type", "window.general", "--methods", "card,vbank"])
      expect(shared).toMatchObject({ mid: "AO09C", credentialSource: "shared-test" })
      const live = await add("kcpLive", [
        "--mode",
        "live",
        "--pg",
        "kcp",
        "--mid",
        "A52Q7",
        "--type",
        "window.general",
        "--methods",
        "card",
        "--cred",
        `site_key=${secrets.kcpSiteKey}`
      ])
      expect(live.credentials).toEqual({ site_key: "••••••" })
      await add("toss", [
        "--mode",
        "live",
        "--pg",
        "tosspayments",
        "--mid",
        "tosslive",
        "--type",
        "window.general",
        "--methods",
        "card",
        "--cred",
        "client_key=live_ck_e2e",
        "--cred",
        `secret_key=${secrets.tossSecret}`
      ])
      await add("niceA", [
        "--mode",
        "test",
        "--pg",
        "nice_v2",
        "--mid",
        "iamport00m",
        "--type",
        "window.general",
        "--methods",
        "card",
        "--cred",
        `merchant_key=${secrets.niceKey}`,
        "--cred",
        `cancel_password=${secrets.nicePassword}`
      ])

      const naver = ["--mode", "test", "--pg", "naverpay", "--type", "window.simple", "--methods", "naverpay"]
      const refused = expectExit(await run(["channel", "add", "--merchant", M, ...naver, "--json"]), 2).json()
      expect(refused.error.details).toMatchObject({ rule: "test-mid-required" })
      await add("naver", [
        ...naver,
        "--mid",
        "np_test_1",
        "--cred",
        "client_id=np-client",
        "--cred",
        `client_secret=${secrets.naverSecret}`,
        "--cred",
        "chain_id=np-chain"
      ])

      expectExit(
        await run(["channel", "add", "--merchant", M, "--mode", "live", "--pg", "kcp", "--type", "window.general", "--methods", "card"]),
        2
      )
      expectExit(
        await run(["channel", "add", "--merchant", M, "--mode", "test", "--pg", "kcp", "--type", "window.general", "--methods", "bitcoin"]),
        2
      )
      expectExit(
        await run(["channel", "add", "--merchant", M, "--mode", "test", "--pg", "kcp", "--type", "window.teleport", "--methods", "card"]),
        2
      )

      const list = expectExit(await run(["channel", "list", "--merchant", M, "--json"]), 0).json<Array<{ key: string; sequence: number }>>()
      expect(list.map((c) => c.key)).toEqual([keys.kcpTest, keys.kcpLive, keys.toss, keys.niceA, keys.naver])
      const shown = expectExit(await run(["channel", "show", "--merchant", M, keys.toss!]), 0)
      expect(shown.stdout).toContain("cred client_key: live_ck_e2e")
      expect(shown.stdout).toContain("cred secret_key: ••••••")
      expectExit(await run(["channel", "show", "--merchant", M, "channel-key-00000000-0000-4000-8000-000000000000"]), 1)
      expectExit(await run(["channel", "show", "--merchant", M, "not-a-key"]), 2)
    })

    it("edits, disables, assigns and makes a channel the default", async () => {
      const both = expectExit(await run(["channel", "edit", "--merchant", M, keys.kcpTest!, "--mid", "A52Q7", "--shared-test"]), 2)
      expect(both.stderr).toContain("--mid and --shared-test cannot be given together")
      const edited = expectExit(await run(["channel", "edit", "--merchant", M, keys.kcpTest!, "--name", "KCP sandbox", "--json"]), 0).json()
      expect(edited).toMatchObject({ name: "KCP sandbox", version: 1 })
      const stale = expectExit(
        await run(["channel", "edit", "--merchant", M, keys.kcpTest!, "--name", "stale", "--if-version", "0", "--json"]),
        2
      ).json()
      expect(stale.error.tag).toBe("Conflict")
      // A removal written against an old version is refused the same way, and removes nothing.
      expectExit(await run(["channel", "remove", "--merchant", M, keys.kcpTest!, "--if-version", "0"]), 2)
      expectExit(await run(["channel", "show", "--merchant", M, keys.kcpTest!]), 0)
      const toss = expectExit(
        await run(["channel", "edit", "--merchant", M, keys.toss!, "--cred", `secret_key=${secrets.tossSecret}2`, "--json"]),
        0
      ).json()
      expect(toss.credentials).toEqual({ client_key: "live_ck_e2e", secret_key: "••••••" })
      expectExit(await run(["channel", "edit", "--merchant", M, keys.toss!, "--unset-cred", "secret_key"]), 2)
      // Regression (CLI probe): a field both removed and given a value took the value silently.
      const ambiguous = expectExit(
        await run(["channel", "edit", "--merchant", M, keys.toss!, "--unset-cred", "client_key", "--cred", "client_key=live_ck_other"]),
        2
      )
      expect(ambiguous.stderr).toContain("--unset-cred client_key is also given a value")
      expectExit(await run(["channel", "disable", "--merchant", M, keys.niceA!]), 0)
      expectExit(await run(["channel", "default", "--merchant", M, keys.niceA!]), 2)
      expectExit(await run(["channel", "enable", "--merchant", M, keys.niceA!]), 0)
      expect(expectExit(await run(["channel", "default", "--merchant", M, keys.kcpTest!, "--json"]), 0).json().defaultChannels).toEqual({
        test: keys.kcpTest
      })
      expect(
        expectExit(await run(["channel", "assign", "--merchant", M, "--tier", "T01", keys.kcpTest!, "--json"]), 0).json().channels
      ).toEqual([keys.kcpTest])
      expectExit(await run(["channel", "assign", "--merchant", M, "--tier", "T01", keys.naver!]), 0)
      expect(
        expectExit(await run(["channel", "unassign", "--merchant", M, "--tier", "T01", keys.naver!, "--json"]), 0).json().channels
      ).toEqual([keys.kcpTest])
    })

    it("resolves request_pay calls and explains misses", async () => {
      const resolve = (args: ReadonlyArray<string>, code: number) =>
        run(["resolve", "--merchant", M, "--json", ...args]).then((r) => expectExit(r, code).json())
      expect(await resolve(["--mode", "test", "--pay-method", "card"], 0)).toMatchObject({ via: "default", channel: { key: keys.kcpTest } })
      expect(await resolve(["--mode", "test", "--pg", "nice_v2", "--pay-method", "card"], 0)).toMatchObject({
        via: "pg",
        channel: { key: keys.niceA }
      })
      expect(await resolve(["--mode", "test", "--pg", "nice_v2.iamport00m", "--pay-method", "card"], 0)).toMatchObject({
        channel: { key: keys.niceA }
      })
      expect(await resolve(["--mode", "test", "--pg", "kcpp", "--pay-method", "card"], 0)).toMatchObject({
        channel: { key: keys.kcpTest },
        fellBack: { pg: "kcpp" }
      })
      // An unknown MID names no channel: the default serves it. A configured PG of the other mode is a miss (issue 16).
      const unmatched = await resolve(["--mode", "test", "--pg", "nice_v2.NOPE", "--pay-method", "card"], 0)
      expect(unmatched.fellBack.rejected.length).toBeGreaterThan(0)
      expect(await resolve(["--mode", "test", "--pg", "tosspayments", "--pay-method", "card"], 1)).toMatchObject({
        reason: "ChannelNotFound"
      })
      expectExit(await run(["merchant", "policy", "--merchant", M, "strict"]), 0)
      const miss = await resolve(["--mode", "test", "--pg", "tosspayments", "--pay-method", "card"], 1)
      expect(miss).toMatchObject({ resolved: false, reason: "ChannelNotFound" })
      expect(miss.rejected).toEqual(expect.arrayContaining([expect.objectContaining({ channel: keys.toss, reason: "wrong-mode" })]))
      const tierMiss = await resolve(["--tier", "T01", "--mode", "test", "--pg", "nice_v2", "--pay-method", "card"], 1)
      expect(tierMiss.rejected).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "not-assigned-to-tier" })]))
      expect((await resolve(["--tier", "ZZZ", "--mode", "test", "--pay-method", "card"], 1)).reason).toBe("UnknownTier")
      const text = expectExit(await run(["resolve", "--merchant", M, "--mode", "test", "--pg", "tosspayments", "--pay-method", "card"]), 1)
      expect(text.stdout).toContain("REJECTED BECAUSE")
      expectExit(await run(["merchant", "policy", "--merchant", M, "fallback"]), 0)
    })

    it("channel groups", async () => {
      const group = expectExit(
        await run([
          "group",
          "create",
          "--merchant",
          M,
          "--name",
          "split",
          "--mode",
          "test",
          "--member",
          `${keys.kcpTest}=60`,
          "--member",
          `${keys.niceA}=40`,
          "--json"
        ]),
        0
      ).json()
      expect(group.members).toHaveLength(2)
      expectExit(await run(["group", "create", "--merchant", M, "--name", "bad", "--mode", "test", "--member", `${keys.kcpTest}=60`]), 2)
      expect(expectExit(await run(["group", "list", "--merchant", M, "--json"]), 0).json()).toHaveLength(1)
    })

    it("stores the whitelist normalised and checks addresses", async () => {
      const set = expectExit(await run(["whitelist", "set", "--merchant", M, "203.0.113.0/25", "203.0.113.128/25", "--json"]), 0).json()
      expect(set.rules).toEqual(["203.0.113.0/24"])
      expectExit(await run(["whitelist", "add", "--merchant", M, "2001:db8::/32"]), 0)
      expectExit(await run(["whitelist", "add", "--merchant", M, "1.1.1.1/24"]), 2)
      // An error names the given rule by its index (from 0) among the given ones, not the stored ones.
      expect(expectExit(await run(["whitelist", "add", "--merchant", M, "198.51.100.0/24", "bad"]), 2).stderr).toContain("(rule 1)")
      expect(expectExit(await run(["whitelist", "check", "--merchant", M, "::ffff:203.0.113.7", "--json"]), 0).json()).toMatchObject({
        allowed: true
      })
      expectExit(await run(["whitelist", "check", "--merchant", M, "198.51.100.1"]), 1)
      const removed = expectExit(await run(["whitelist", "remove", "--merchant", M, "203.0.113.0/24"]), 0)
      expect(removed.stdout).toContain(`Whitelist of ${M} after removing:`)
      expect(removed.stdout).not.toContain("nothing changed")
      expect(expectExit(await run(["whitelist", "remove", "--merchant", M, "192.0.2.0/24"]), 0).stdout).toContain("nothing changed")
      expect(expectExit(await run(["whitelist", "show", "--merchant", M, "--json"]), 0).json().rules).toEqual(["2001:db8::/32"])
    })

    it("issues, rotates and revokes API keys; the old secret stops working", async () => {
      const issued = expectExit(await run(["apikey", "issue", "--merchant", M, "--name", "ci", "--json"]), 0).json()
      expect(issued.secret).toMatch(/^sk_/)
      expectExit(await run(["apikey", "verify", issued.id, "--secret", issued.secret]), 0)
      const rotated = expectExit(await run(["apikey", "rotate", "--merchant", M, issued.id, "--json"]), 0).json()
      expectExit(await run(["apikey", "verify", issued.id], { env: { PAYMUX_API_SECRET: issued.secret } }), 1)
      expectExit(await run(["apikey", "verify", issued.id, "--secret", rotated.secret]), 0)
      const listed = expectExit(await run(["apikey", "list", "--merchant", M]), 0)
      expect(listed.stdout).not.toContain(rotated.secret)
      expectExit(await run(["apikey", "revoke", "--merchant", M, issued.id]), 0)
      expectExit(await run(["apikey", "verify", issued.id, "--secret", rotated.secret]), 1)
      expectExit(await run(["apikey", "rotate", "--merchant", M, issued.id]), 2)
      expectExit(await run(["apikey", "issue", "--merchant", M, "--expires", "yesterday-ish"]), 2)
    })

    it("sets a webhook URL, shows its secret once and sends a signed test", async () => {
      const hits: Array<Record<string, unknown>> = []
      const server = createServer((req, res) => {
        hits.push({ ...req.headers })
        req.resume()
        req.on("end", () => res.writeHead(204).end())
      })
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
      try {
        const before = expectExit(await run(["webhook", "show", "--merchant", M, "--json"]), 0).json()
        expect(before.readiness).toEqual([expect.objectContaining({ mode: "test" })])
        const set = expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", url, "--json"]), 0).json()
        expect(set.newSecret).toMatch(/^whsec_/)
        const again = expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", url, "--json"]), 0).json()
        expect(again.newSecret).toBeUndefined()
        // Crash probe, finding 2: a retry after the first answer was lost said nothing of the secret.
        const retried = expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", url]), 0).stdout
        expect(retried.split("\n").filter((line) => line.startsWith("note:"))).toEqual([
          `note: no new signing secret: the test one was shown once, when it was made; if it was lost: paymux webhook rotate-secret --merchant ${M} --mode test, then, once receivers have the new one, paymux webhook retire-secret --merchant ${M} --mode test`
        ])
        const shown = expectExit(await run(["webhook", "show", "--merchant", M]), 0)
        expect(shown.stdout).not.toContain(set.newSecret)
        expect(shown.stdout).toContain("test 1, live 0 active")
        const sent = expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test", "--json"]), 0).json()
        expect(sent).toMatchObject({ ok: true, httpStatus: 204 })
        expect(hits.at(-1)).toHaveProperty("webhook-signature")
        expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "live", "--url", "http://example.com/hook"]), 2)
        expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "live"]), 1)
        expectExit(await run(["webhook", "history", "--merchant", M]), 0)
        expectExit(await run(["webhook", "resend", "--merchant", M, "00000000-0000-4000-8000-000000000000"]), 1)
        // The test send goes out directly, never through the outbox: nothing is queued to deliver.
        expect(expectExit(await run(["webhook", "dispatch", "--once", "--json"]), 0).json()).toEqual({
          attempted: 0,
          delivered: 0,
          retrying: 0,
          deadLettered: 0,
          unrecorded: 0,
          claimFailed: false
        })
      } finally {
        server.close()
      }
    })

    // Crash probe, finding 1: after a rotation's answer was lost, retiring kept only the lost
    // secret, and receivers rejected every notification. Cancelling keeps the one they have.
    it("cancels a rotation whose new secret was lost: the secret receivers have signs alone again", async () => {
      const received: Array<{ headers: Record<string, string | Array<string> | undefined>; body: string }> = []
      const server = createServer((req, res) => {
        let body = ""
        req.on("data", (c) => (body += c))
        req.on("end", () => {
          received.push({ headers: req.headers, body })
          res.writeHead(204).end()
        })
      })
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotated`
      const secretCommand = (command: string, ...rest: ReadonlyArray<string>) => ["webhook", command, "-m", M, "--mode", "test", ...rest]
      try {
        expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", url]), 0)
        // A secret the operator has: rotated in, the older retired.
        const known = expectExit(await run(secretCommand("rotate-secret", "--json")), 0).json().newSecret
        expect(expectExit(await run(secretCommand("retire-secret", "--json")), 0).json()).toEqual({ mode: "test", retired: true })
        // A rotation whose answer is lost; trying again is refused, and the hint names the way out.
        expectExit(await run(secretCommand("rotate-secret", "--json")), 0)
        const refused = expectExit(await run(secretCommand("rotate-secret")), 2)
        expect(refused.stderr).toContain("paymux webhook cancel-rotation")
        // During a rotation the URL's note points to cancelling it, not to a rotation it would refuse (review).
        const during = expectExit(await run(["webhook", "set", "--merchant", M, "--mode", "test", "--url", url]), 0).stdout
        expect(during.split("\n").filter((line) => line.startsWith("note:"))).toEqual([
          `note: no new signing secret: the test mode is in a rotation, its secrets each shown once when made; if the newer one was lost: paymux webhook cancel-rotation --merchant ${M} --mode test, then rotate again`
        ])
        expect(expectExit(await run(secretCommand("cancel-rotation", "--json")), 0).json()).toEqual({ mode: "test", cancelled: true })
        expect(expectExit(await run(["webhook", "show", "--merchant", M, "--json"]), 0).json().activeSecrets.test).toBe(1)
        expectExit(await run(["webhook", "test", "--merchant", M, "--mode", "test"]), 0)
        const { body, headers } = received.at(-1)!
        const headerFlags = ["id", "timestamp", "signature"].flatMap((h) => ["--header", `webhook-${h}=${headers[`webhook-${h}`]}`])
        expectExit(await run(["webhook", "verify", "--secret", known, ...headerFlags, "-"], { input: body }), 0)
        const nothing = expectExit(await run(secretCommand("cancel-rotation")), 2)
        expect(nothing.stderr).toContain("no rotation to cancel")
      } finally {
        server.close()
      }
    })

    it("never prints a credential value it was given", () => {
      const all = transcript.join("\n")
      for (const value of Object.values(secrets)) expect(all).not.toContain(value)
    })
  })
