/**
 * The commands that need no store, run through the built binary: whitelist normalize/check,
 * webhook sign/verify, pg list/show, the shared flags and exit codes.
 */
import { createHmac, randomBytes } from "node:crypto"
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import packageJson from "../package.json" with { type: "json" }
import { describe, expect, it } from "vitest"
import { expectExit, paymux, tempDir, transcript } from "./support/paymux.ts"

const packageVersion = packageJson.version
const secretBytes = randomBytes(32)
const secret = `whsec_${secretBytes.toString("base64")}`
const body = JSON.stringify({ type: "Transaction.Paid", timestamp: "2026-01-01T00:00:00Z", data: { paymentId: "pay_1" } })
const bodyFile = join(tempDir(), "body.json")
writeFileSync(bodyFile, body)

// Computed here, not by the signer under test.
const expectedSignature = (id: string, ts: number) =>
  `v1,${createHmac("sha256", secretBytes).update(`${id}.${ts}.${body}`).digest("base64")}`

describe("paymux (no store)", () => {
  it("prints help and the version with exit 0", async () => {
    const help = expectExit(await paymux(["--help"]), 0)
    for (const group of ["merchant", "channel", "resolve", "webhook", "whitelist", "apikey", "pg", "demo"])
      expect(help.stdout).toContain(group)
    expect(expectExit(await paymux(["--version"]), 0).stdout.trim()).toBe(`paymux v${packageVersion}`)
  })

  it("the committed bin shim (what npm links as paymux) runs the build", async () => {
    const { execFileSync } = await import("node:child_process")
    const shim = new URL("../bin/paymux.js", import.meta.url)
    expect(execFileSync(process.execPath, [shim.pathname, "--version"], { encoding: "utf8" }).trim()).toBe(`paymux v${packageVersion}`)
    expect(packageJson.bin.paymux).toBe("./bin/paymux.js")
  })

  it("exits 2 on an unknown flag, a missing argument or an unknown subcommand", async () => {
    expectExit(await paymux(["whitelist", "check", "--bogus", "1.1.1.1"]), 2)
    expectExit(await paymux(["pg", "show"]), 2)
    expectExit(await paymux(["nonsense"]), 2)
  })

  it("whitelist normalize aggregates and canonicalises", async () => {
    const r = expectExit(
      await paymux(["whitelist", "normalize", "10.0.1.0/24", "10.0.0.0/24", "10.0.0.7", "2001:DB8::/33", "2001:db8:8000::/33", "--json"]),
      0
    )
    expect(r.json().aggregated).toEqual(["10.0.0.0/23", "2001:db8::/32"])
    const text = expectExit(await paymux(["whitelist", "normalize", "10.0.1.0/24", "10.0.0.0/24"]), 0)
    expect(text.stdout).toContain("10.0.0.0/23")
  })

  it("whitelist normalize refuses host bits with a suggestion (exit 2) unless --lenient", async () => {
    const refused = expectExit(await paymux(["whitelist", "normalize", "1.1.1.1/24"]), 2)
    expect(refused.stderr).toContain("did you mean 1.1.1.0/24")
    expect(refused.stderr).toContain("hint:")
    const asJson = expectExit(await paymux(["whitelist", "normalize", "1.1.1.1/24", "--json"]), 2)
    expect(asJson.json().error).toMatchObject({ tag: "InvalidCidr", exitCode: 2 })
    const lenient = expectExit(await paymux(["whitelist", "normalize", "1.1.1.1/24", "--lenient", "--json"]), 0)
    expect(lenient.json()).toMatchObject({ aggregated: ["1.1.1.0/24"] })
    expect(lenient.json().warnings).toHaveLength(1)
  })

  it("whitelist check --cidr: allowed 0, denied 1, not an address 2", async () => {
    const allowed = expectExit(
      await paymux(["whitelist", "check", "--cidr", "203.0.113.0/24", "--cidr", "2001:db8::/32", "::ffff:203.0.113.9", "--json"]),
      0
    )
    expect(allowed.json()).toMatchObject({ allowed: true, rule: { cidr: "203.0.113.0/24" } })
    const denied = expectExit(await paymux(["whitelist", "check", "--cidr", "203.0.113.0/24", "198.51.100.1"]), 1)
    expect(denied.stdout).toContain("denied")
    expectExit(await paymux(["whitelist", "check", "--cidr", "203.0.113.0/24", "0177.0.0.1"]), 2)
    expectExit(await paymux(["whitelist", "check", "--cidr", "1.1.1.1/24", "1.1.1.1"]), 2)
  })

  it("webhook sign matches an independently computed HMAC", async () => {
    const r = expectExit(
      await paymux(["webhook", "sign", "--secret", secret, "--id", "msg_1", "--timestamp", "1700000000", bodyFile, "--json"]),
      0
    )
    expect(r.json()).toEqual({
      "webhook-id": "msg_1",
      "webhook-timestamp": "1700000000",
      "webhook-signature": expectedSignature("msg_1", 1700000000)
    })
    const fromEnv = expectExit(
      await paymux(["webhook", "sign", "--id", "msg_1", "--timestamp", "1700000000", bodyFile], { env: { PAYMUX_WEBHOOK_SECRET: secret } }),
      0
    )
    expect(fromEnv.stdout).toContain(expectedSignature("msg_1", 1700000000))
  })

  it("webhook verify: valid 0, tampered or stale 1, malformed secret 2", async () => {
    const ts = Math.floor(Date.now() / 1000)
    const headers = [
      "--header",
      "webhook-id=msg_2",
      "--header",
      `webhook-timestamp=${ts}`,
      "--header",
      `webhook-signature=${expectedSignature("msg_2", ts)}`
    ]
    const env = { PAYMUX_WEBHOOK_SECRET: secret }
    expect(expectExit(await paymux(["webhook", "verify", ...headers, bodyFile, "--json"], { env }), 0).json()).toMatchObject({
      valid: true,
      id: "msg_2"
    })
    const tampered = join(tempDir(), "tampered.json")
    writeFileSync(tampered, body.replace("pay_1", "pay_2"))
    expect(expectExit(await paymux(["webhook", "verify", ...headers, tampered, "--json"], { env }), 1).json()).toMatchObject({
      valid: false,
      reason: "NoMatchingSignature"
    })
    expect(
      expectExit(await paymux(["webhook", "verify", ...headers, "--now", String(ts + 3600), bodyFile, "--json"], { env }), 1).json()
    ).toMatchObject({ reason: "TimestampTooOld" })
    expect(
      expectExit(await paymux(["webhook", "verify", "--header", "webhook-id=msg_2", bodyFile, "--json"], { env }), 1).json()
    ).toMatchObject({ reason: "MissingHeaders" })
    expectExit(await paymux(["webhook", "verify", ...headers, bodyFile], { env: { PAYMUX_WEBHOOK_SECRET: "whsec_short" } }), 2)
    expectExit(await paymux(["webhook", "verify", ...headers, join(tempDir(), "missing.json")], { env }), 2)
    expectExit(await paymux(["webhook", "sign", "--id", "msg_3", bodyFile]), 2)
  })

  // Regression (CLI probe): a negative tolerance (nothing could verify) and a negative cache
  // lifetime were accepted.
  it("refuses a negative --tolerance or --auth-cache-ttl (exit 2)", async () => {
    const body = join(tempDir(), "negative.json")
    writeFileSync(body, "{}")
    const secret = `whsec_${randomBytes(32).toString("base64")}`
    const verify = expectExit(await paymux(["webhook", "verify", "--secret", secret, "--tolerance=-1", body]), 2)
    expect(verify.stderr).toContain("--tolerance must be 0 or more seconds")
    const serve = expectExit(await paymux(["serve", "--db", ":memory:", "--auth-cache-ttl=-5"]), 2)
    expect(serve.stderr).toContain("--auth-cache-ttl must be 0 or more milliseconds")
  })

  it("pg list and pg show describe the catalog", async () => {
    const list = expectExit(await paymux(["pg", "list", "--json"]), 0).json<Array<{ code: string; test: { kind: string } }>>()
    expect(list.map((p) => p.code)).toEqual(expect.arrayContaining(["kcp", "naverpay", "tosspayments", "html5_inicis"]))
    expect(list.find((p) => p.code === "naverpay")?.test.kind).toBe("pg-provided")
    const kcp = expectExit(await paymux(["pg", "show", "kcp", "--json"]), 0).json()
    expect(kcp.credentialFields).toEqual(expect.arrayContaining([expect.objectContaining({ name: "site_key", secret: true })]))
    expect(kcp.test).toMatchObject({ kind: "shared" })
    const text = expectExit(await paymux(["pg", "show", "nice_v2"]), 0)
    expect(text.stdout).toMatch(/cancel_password\s+Cancel password\s+yes/)
    expect(text.stdout).toContain("iamport00m")
    // A name that is the same in both languages is printed once (it read "NHN KCP (NHN KCP)").
    expect(expectExit(await paymux(["pg", "show", "kcp"]), 0).stdout.split("\n")).toContain("name:      NHN KCP")
    expect(expectExit(await paymux(["pg", "show", "bluewalnut"]), 0).stdout.split("\n")).toContain("name:      BlueWalnut (블루월넛)")
    const typo = expectExit(await paymux(["pg", "show", "tosspayment"]), 2)
    expect(typo.stderr).toContain("did you mean tosspayments")
  })

  it("stateless commands never open a store", async () => {
    const cwd = join(tempDir(), "no-store")
    const { mkdirSync } = await import("node:fs")
    mkdirSync(cwd)
    expectExit(await paymux(["pg", "list"], { cwd }), 0)
    expectExit(await paymux(["whitelist", "normalize", "10.0.0.0/8"], { cwd, env: { PAYMUX_DB: join(cwd, "x.db") } }), 0)
    expectExit(await paymux(["--db", "postgres://x:y@127.0.0.1:1/db", "pg", "show", "kcp"], { cwd }), 0)
    expect(readdirSync(cwd)).toEqual([])
    expect(existsSync(join(cwd, "paymux.db"))).toBe(false)
  })

  it("never prints the webhook secret it was given", () => {
    expect(transcript.join("\n")).not.toContain(secret)
    expect(transcript.join("\n")).not.toContain(secretBytes.toString("base64"))
  })
})
