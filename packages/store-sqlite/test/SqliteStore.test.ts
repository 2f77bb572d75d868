import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "@effect/vitest"
import { AuditLog, ChangeFeed, IdempotencyRecords, KeyProvider, Repositories, SqlStore, Transaction } from "@paymux/store"
import { Outbox } from "@paymux/store"
import Database from "better-sqlite3"
import { Effect, Exit, Layer, Redacted, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { SqliteStore } from "../src/index.ts"
import { walSizeLimitBytes } from "../src/internal/client.ts"
import * as SqlClient from "effect/sql/SqlClient"
import { StoreFixtures as F } from "@paymux/store-testkit"

const keys = KeyProvider.layerEphemeral

/** A tracer that keeps the text of the SQL statements `keep` picks, as effect/sql's spans carry it. */
const recordStatements = (keep: (text: string) => boolean) => {
  const statements: Array<string> = []
  class Recording extends Tracer.NativeSpan {
    override attribute(key: string, value: unknown): void {
      if (key === "db.query.text" && keep(String(value))) statements.push(String(value))
      super.attribute(key, value)
    }
  }
  return { statements, tracer: Tracer.make({ span: (options) => new Recording(options) }) }
}

/** SQLite's query plan of a recorded statement, its steps joined with "; ". */
const planOf = (filename: string, text: string): string => {
  const db = new Database(filename, { readonly: true })
  const params = Array.from(text.matchAll(/\?/g), () => 0)
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail)
  db.close()
  return plan.join("; ")
}
const memory = (): Layer.Layer<SqliteStore.Services, unknown> => SqliteStore.layer({ filename: ":memory:", keyProvider: keys })

const reasonOf = <A, E>(exit: Exit.Exit<A, E>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const error = exit.cause.reasons.find((r) => r._tag === "Fail") as { error?: { reason?: { _tag: string } } } | undefined
  return error?.error?.reason?._tag
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "..")
const childScript = join(packageRoot, "test", "processes", "openTogether.ts")

const tempDir = () => mkdtempSync(join(tmpdir(), "paymux-sqlite-"))

describe("SqliteStore: round trips", () => {
  it.effect("channels get sequences, keep order, and enforce optimistic concurrency", () =>
    Effect.gen(function* () {
      const merchants = yield* Repositories.MerchantRepository
      const channels = yield* Repositories.ChannelRepository
      yield* merchants.create(F.merchant(1))
      const a = yield* channels.create(F.channel(1, 1))
      const b = yield* channels.create(F.channel(1, 2))
      expect([a.sequence, b.sequence]).toEqual([1, 2])
      const listed = yield* channels.list(F.merchantCode(1))
      expect(listed.map((c) => c.key)).toEqual([a.key, b.key])
      expect(listed[0]!.credentials).toEqual({})
      expect(Redacted.value((yield* channels.credentials(F.merchantCode(1), a.key))["site_key"]!)).toBe("site-key-secret-1-1-xyzzy")
      const renamed = yield* channels.update({ ...a, name: "Renamed" as typeof a.name })
      expect(renamed.version).toBe(1)
      expect(reasonOf(yield* Effect.exit(channels.update({ ...a, name: "Stale" as typeof a.name })))).toBe("Conflict")
      expect(reasonOf(yield* Effect.exit(channels.create({ ...F.channel(1, 1), key: F.channelKey(999) })))).toBe("Conflict")
      expect(reasonOf(yield* Effect.exit(channels.get(F.merchantCode(2), a.key)))).toBe("NotFound")
      yield* channels.remove(F.merchantCode(1), a.key, 1)
      const c = yield* channels.create(F.channel(1, 3))
      expect(c.sequence).toBe(3)
    }).pipe(Effect.provide(memory()))
  )

  it.effect("a list asks the key provider once per key its envelopes name, not once per channel", () => {
    const own = KeyProvider.makeEphemeral()
    const asked: Array<string> = []
    const counting = Layer.succeed(
      KeyProvider.KeyProvider,
      KeyProvider.KeyProvider.of({
        ...own,
        byId: (id) =>
          Effect.andThen(
            Effect.sync(() => asked.push(id)),
            own.byId(id)
          )
      })
    )
    return Effect.gen(function* () {
      const channels = yield* Repositories.ChannelRepository
      yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      for (let i = 1; i <= 5; i++) yield* channels.create(F.channel(1, i))
      asked.length = 0
      const listed = yield* channels.list(F.merchantCode(1))
      expect(listed.map((c) => c.readable)).toEqual([true, true, true, true, true])
      expect(asked.length).toBe(1)
    }).pipe(Effect.provide(SqliteStore.layer({ filename: ":memory:", keyProvider: counting })))
  })

  it.effect("removing a channel unassigns it from tiers and groups", () =>
    Effect.gen(function* () {
      const merchants = yield* Repositories.MerchantRepository
      const channels = yield* Repositories.ChannelRepository
      const subs = yield* Repositories.SubMerchantRepository
      const groups = yield* Repositories.ChannelGroupRepository
      yield* merchants.create(F.merchant(1))
      const a = yield* channels.create(F.channel(1, 1))
      const b = yield* channels.create(F.channel(1, 2))
      const sub = yield* subs.create(F.tier(1, "A01"))
      yield* subs.update({ ...sub, channels: [b.key, a.key] })
      expect((yield* channels.listForTier(F.merchantCode(1), sub.tier)).map((c) => c.key)).toEqual([a.key, b.key])
      const group = yield* groups.create({
        id: "channel-group-00000000-0000-4000-8000-000000000001" as never,
        merchant: F.merchantCode(1),
        name: "Split" as never,
        mode: "live",
        members: [
          { channel: a.key, weight: 50 },
          { channel: b.key, weight: 50 }
        ],
        createdAt: 0,
        version: 0
      })
      yield* channels.remove(F.merchantCode(1), a.key, 0)
      const after = yield* subs.get(F.merchantCode(1), sub.tier)
      expect(after.channels).toEqual([b.key])
      expect(after.version).toBe(2)
      const g = yield* groups.get(F.merchantCode(1), group.id)
      expect(g.members.map((m) => m.channel)).toEqual([b.key])
      expect(g.version).toBe(1)
    }).pipe(Effect.provide(memory()))
  )

  it.effect("a failed unit of work leaves nothing behind; nesting joins", () =>
    Effect.gen(function* () {
      const merchants = yield* Repositories.MerchantRepository
      const tx = yield* Transaction.Transaction
      const outbox = yield* Outbox.Outbox
      const failed = yield* Effect.exit(
        tx.withTransaction(
          Effect.gen(function* () {
            yield* merchants.create(F.merchant(1))
            yield* tx.withTransaction(outbox.enqueue({ mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" }, 1))
            return yield* Effect.fail("boom")
          })
        )
      )
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* merchants.list()).toEqual([])
      expect(yield* outbox.history({})).toEqual([])
    }).pipe(Effect.provide(memory()))
  )

  it.effect("settings, secrets, whitelist, API keys and audit", () =>
    Effect.gen(function* () {
      yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      const code = F.merchantCode(1)
      const hooks = yield* Repositories.WebhookSettingsRepository
      const empty = yield* hooks.get(code)
      const saved = yield* hooks.put({ ...empty, test: { ...empty.test, contentType: "form" } })
      expect(saved.version).toBe(1)
      expect(reasonOf(yield* Effect.exit(hooks.put(empty)))).toBe("Conflict")
      yield* hooks.putSecrets(code, "live", [Redacted.make("whsec_new"), Redacted.make("whsec_old")])
      expect((yield* hooks.getSecrets(code, "live")).map(Redacted.value)).toEqual(["whsec_new", "whsec_old"])
      const whitelist = yield* Repositories.WhitelistRepository
      const w = yield* whitelist.put({ ...(yield* whitelist.get(code)), rules: ["10.0.0.0/8"] })
      expect((yield* whitelist.get(code)).rules).toEqual(["10.0.0.0/8"])
      expect(w.version).toBe(1)
      const apiKeys = yield* Repositories.ApiKeyRepository
      const k = yield* apiKeys.create(F.apiKey(1, 1))
      expect(yield* apiKeys.get(k.id)).toEqual(k)
      expect(reasonOf(yield* Effect.exit(apiKeys.create(k)))).toBe("Conflict")
      const audit = yield* AuditLog.AuditLog
      yield* audit.append({
        id: "a1",
        merchant: code,
        actor: "ops",
        action: "channel.create",
        target: "c",
        before: null,
        after: { n: 1 },
        at: 1
      })
      yield* audit.append({
        id: "a2",
        merchant: code,
        actor: "ops",
        action: "channel.update",
        target: "c",
        before: { n: 1 },
        after: { n: 2 },
        at: 2
      })
      expect((yield* audit.list(code)).map((e) => e.id)).toEqual(["a2", "a1"])
      expect((yield* audit.list(code, { action: "channel.create" }))[0]!.after).toEqual({ n: 1 })
    }).pipe(Effect.provide(memory()))
  )

  // Regression (webhook probe): a history of more deliveries than SQLite binds values (32,766) in
  // one statement failed as "too many SQL variables", and with it `resend-failed` over a busy week.
  it.effect("a history of 40,000 deliveries comes back whole, each with its attempts", () => {
    const filename = join(tempDir(), "history.db")
    const store = SqliteStore.layer({ filename, keyProvider: keys })
    const columns =
      "merchant, mode, url, endpoint_id, event_type, subject, content_type, payload, status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at"
    return Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      const delivery = { merchant: "imp00000001", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" } as const
      yield* outbox.enqueue({ ...delivery, id: "d0" }, 100)
      yield* outbox.claim({ workerId: "w1", now: 100, leaseMillis: 1000, limit: 1 })
      const attempt = { deliveryId: "d0", number: 1, workerId: "w1", url: delivery.url, startedAt: 150, latencyMillis: 1 }
      const failed = { ...attempt, httpStatus: 500, error: null, responseExcerpt: "", outcome: "retry" as const }
      yield* outbox.recordAttempt(failed, { now: 160, next: { _tag: "Retry", at: 100 } })
      // 39,999 more rows like it, written straight into the file (enqueueing them takes a minute).
      const db = new Database(filename)
      db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 39999)
        INSERT INTO paymux_outbox (delivery_id, message_id, ${columns})
        SELECT 'd' || i, message_id || '-' || i, ${columns} FROM paymux_outbox, n WHERE delivery_id = 'd0'`)
      db.close()
      const history = yield* outbox.history({ merchant: "imp00000001" })
      expect(history).toHaveLength(40_000)
      expect(history.at(-1)!.attempts.map((a) => a.httpStatus)).toEqual([500])
    }).pipe(Effect.provide(store))
  })

  // resend-failed asks for one message's deliveries once per dead delivery: each ask must find them
  // through the index of migration 6, not by scanning the merchant's whole outbox.
  it.effect("a history of one message, as the store asks for it, reads the message index and sorts nothing", () => {
    const filename = join(tempDir(), "by-message.db")
    const { statements, tracer } = recordStatements((text) => text.includes("message_id ="))
    return Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const d = yield* outbox.enqueue(
          { merchant: "imp00000001", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" },
          100
        )
        for (const order of ["newest", "oldest"] as const) {
          const filter = { merchant: "imp00000001", messageId: d.messageId, since: 0, order }
          expect((yield* outbox.history(filter)).map((h) => h.delivery.id)).toEqual([d.id])
          expect(yield* outbox.history({ ...filter, after: d.id, limit: 500 })).toEqual([])
        }
      }).pipe(Effect.withTracer(tracer), Effect.provide(SqliteStore.layer({ filename, keyProvider: keys })))
      expect(statements).toHaveLength(4)
      for (const text of statements) {
        const plan = planOf(filename, text)
        expect(plan, text).toMatch(/USING INDEX paymux_outbox_by_message/)
        expect(plan, text).not.toMatch(/TEMP B-TREE/)
      }
      rmSync(dirname(filename), { recursive: true, force: true })
    })
  })

  // Regression (scale probe): the claim walked an index in queue order, passing over every pending
  // delivery that waits for a later retry (52 ms a claim, even idle, with 200,000 of them).
  it.effect("a claim walks the pending deliveries by due time and sorts nothing", () => {
    const filename = join(tempDir(), "claim.db")
    const { statements, tracer } = recordStatements((text) => text.startsWith("UPDATE paymux_outbox SET lease_worker"))
    return Effect.gen(function* () {
      yield* Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        yield* outbox.enqueue({ merchant: "imp00000001", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" }, 100)
        expect(yield* outbox.claim({ workerId: "w", now: 200, leaseMillis: 1_000, limit: 10 })).toHaveLength(1)
      }).pipe(Effect.withTracer(tracer), Effect.provide(SqliteStore.layer({ filename, keyProvider: keys })))
      expect(statements).toHaveLength(1)
      const plan = planOf(filename, statements[0]!)
      expect(plan).toMatch(/USING INDEX paymux_outbox_due \(next_attempt_at<\?\)/)
      expect(plan).not.toMatch(/TEMP B-TREE/)
      rmSync(dirname(filename), { recursive: true, force: true })
    })
  })

  it.effect("outbox: claims lease rows, completed rows never come back", () =>
    Effect.gen(function* () {
      const outbox = yield* Outbox.Outbox
      for (let i = 0; i < 3; i++) {
        yield* outbox.enqueue(
          { id: `d${i}`, merchant: "imp00000001", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" },
          100
        )
      }
      const first = yield* outbox.claim({ workerId: "w1", now: 100, leaseMillis: 1000, limit: 2 })
      expect(first.map((d) => d.id)).toEqual(["d0", "d1"])
      expect((yield* outbox.claim({ workerId: "w2", now: 200, leaseMillis: 1000, limit: 5 })).map((d) => d.id)).toEqual(["d2"])
      yield* outbox.recordAttempt(
        {
          deliveryId: "d0",
          number: 1,
          workerId: "w1",
          url: "https://x.test/h",
          startedAt: 150,
          latencyMillis: 3.5,
          httpStatus: 200,
          error: null,
          responseExcerpt: "ok",
          outcome: "delivered"
        },
        { now: 160, next: { _tag: "Complete" } }
      )
      expect(reasonOf(yield* Effect.exit(outbox.release({ deliveryId: "d1", workerId: "w2" })))).toBe("Conflict")
      // w1 crashed holding d1: after the lease lapses another worker gets it; d0 stays done.
      expect((yield* outbox.claim({ workerId: "w3", now: 1200, leaseMillis: 1000, limit: 5 })).map((d) => d.id)).toEqual(["d1", "d2"])
      const h = yield* outbox.get("d0")
      expect(h.delivery.status).toBe("delivered")
      expect(h.attempts.map((a) => a.latencyMillis)).toEqual([3.5])
      expect((yield* outbox.history({ merchant: "imp00000001", limit: 2 })).map((x) => x.delivery.id)).toEqual(["d2", "d1"])
      expect(yield* outbox.history({ merchant: "imp00000002" })).toEqual([])
      const again = yield* outbox.resend("d0", 2000)
      expect(again.messageId).toBe(h.delivery.messageId)
      expect(again.resendOf).toBe("d0")
    }).pipe(Effect.provide(memory()))
  )
})

const rawText = (file: string): string => {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>
    return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())).join("\n")
  } finally {
    db.close()
  }
}

describe("SqliteStore: a real file", () => {
  it.effect("uses WAL, keeps data across restarts, and stores no secret plaintext", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "paymux.db")
      const key = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })
      const layer = SqliteStore.layer({ filename: file, keyProvider: key })
      yield* Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        yield* (yield* Repositories.ChannelRepository).create(F.channel(1, 1, "kcp-site-key-PLAINTEXT-canary"))
        yield* (yield* Repositories.WebhookSettingsRepository).putSecrets(F.merchantCode(1), "live", [
          Redacted.make("whsec_PLAINTEXTcanary")
        ])
      }).pipe(Effect.provide(layer))
      const db = new Database(file, { readonly: true })
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal")
      db.close()
      const raw = rawText(file) + readFileSync(file).toString("latin1")
      expect(raw).not.toContain("PLAINTEXT")
      expect(raw).toContain("pmx1.k1.")
      const reopened = yield* Effect.gen(function* () {
        const channels = yield* Repositories.ChannelRepository
        const [first] = yield* channels.list(F.merchantCode(1))
        return yield* channels.credentials(F.merchantCode(1), first!.key)
      }).pipe(Effect.provide(layer))
      expect(Redacted.value(reopened["site_key"]!)).toBe("kcp-site-key-PLAINTEXT-canary")
      rmSync(dir, { recursive: true, force: true })
    })
  )

  // Regression (data-lifecycle probe): pruned deliveries' payloads, buyers' names among them,
  // stayed readable in free pages of the file and of its .backup copies.
  it.effect("what is deleted is gone from the file's bytes, not left in free pages", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "pruned.db")
      yield* Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        for (let i = 0; i < 200; i++) {
          const d = yield* outbox.enqueue(
            { merchant: "imp00000001", mode: "live", url: "https://x.test/h", eventType: "e", payload: `{"buyer":"BUYER-CANARY-${i}"}` },
            100
          )
          yield* outbox.claim({ workerId: "w", now: 200, leaseMillis: 1_000, limit: 1 })
          yield* outbox.recordAttempt(F.attempt(d.id, "w", 1, "delivered"), { now: 300, next: { _tag: "Complete" } })
        }
        expect(yield* outbox.prune({ before: 1_000, limit: 1_000 })).toBe(200)
      }).pipe(Effect.provide(SqliteStore.layer({ filename: file, keyProvider: keys })))
      // Closing the store checkpoints the WAL into the file and removes it.
      expect(existsSync(`${file}-wal`)).toBe(false)
      expect(readFileSync(file).toString("latin1")).not.toContain("BUYER-CANARY")
      rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("a new file and its -wal and -shm are readable by the owner only; an existing file keeps its mode", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const created = join(dir, "new.db")
      const existing = join(dir, "existing.db")
      writeFileSync(existing, "", { mode: 0o640 })
      const modeOf = (file: string) => statSync(file).mode & 0o777
      for (const file of [created, existing]) {
        yield* Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
          // The -wal and -shm files exist while the store is open.
          if (file === created) expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600])
        }).pipe(Effect.provide(SqliteStore.layer({ filename: file, keyProvider: keys })))
      }
      expect(modeOf(existing)).toBe(0o640)
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

/** Rows of every kind for merchant `m`; returns the ids that mark its rows, whatever the table. */
const seedEverything = (m: number) =>
  Effect.gen(function* () {
    const code = F.merchantCode(m)
    yield* (yield* Repositories.MerchantRepository).create(F.merchant(m))
    const channel = yield* (yield* Repositories.ChannelRepository).create(F.channel(m, 1))
    yield* (yield* Repositories.SubMerchantRepository).create({ ...F.tier(m, "T01"), channels: [channel.key] })
    const groupId = `channel-group-00000000-0000-4000-8000-${String(m).padStart(12, "0")}`
    yield* (yield* Repositories.ChannelGroupRepository).create({
      id: groupId as never,
      merchant: code,
      name: "Routing" as never,
      mode: "test",
      members: [{ channel: channel.key, weight: 100 as never }],
      createdAt: 1_700_000_000_000,
      version: 0
    })
    const hooks = yield* Repositories.WebhookSettingsRepository
    const settings = yield* hooks.get(code)
    yield* hooks.put({
      ...settings,
      test: { ...settings.test, endpoints: [{ id: "ep_test" as never, url: `https://${code}.example.test/hook` as never }] }
    })
    yield* hooks.putSecrets(code, "test", [Redacted.make(`whsec_${code}`)])
    yield* hooks.recordHealth({ merchant: code, mode: "test", endpointId: "ep_test" }, { ok: false, now: 1_000 })
    const whitelists = yield* Repositories.WhitelistRepository
    yield* whitelists.put({ ...(yield* whitelists.get(code)), rules: ["10.0.0.0/8"] })
    const key = yield* (yield* Repositories.ApiKeyRepository).create(F.apiKey(m, 1))
    yield* (yield* AuditLog.AuditLog).append({
      id: `audit-${code}`,
      merchant: code,
      actor: "t",
      action: "x",
      target: "y",
      before: null,
      after: null,
      at: 1
    })
    const outbox = yield* Outbox.Outbox
    const delivery = yield* outbox.enqueue(
      { merchant: code, mode: "test", url: "https://example.test/h", eventType: "e", payload: "{}" },
      1_000
    )
    yield* outbox.claim({ workerId: `w${m}`, now: 1_000, leaseMillis: 1_000, limit: 10 })
    yield* outbox.recordAttempt(F.attempt(delivery.id, `w${m}`, 1, "delivered"), { now: 1_001, next: { _tag: "Complete" } })
    const records = yield* IdempotencyRecords.IdempotencyRecords
    yield* records.begin({ id: `idem-${code}`, merchant: code, bodyHash: "h", now: 1, expiresAt: 9_000_000, leaseUntil: 10_000 })
    yield* records.complete({
      id: `idem-${code}`,
      leaseUntil: 10_000,
      merchant: code,
      outcome: "withheld",
      bytes: 10,
      now: 2,
      maxBytes: 1_000
    })
    const feed = yield* ChangeFeed.ChangeFeed
    yield* feed.publish({ topic: "whitelist", key: code })
    yield* feed.publish({ topic: "api-key", key: key.id })
    return [code, channel.key, groupId, delivery.id, key.id]
  })

/** The tables with a row that mentions one of `marks`. */
const tablesMentioning = (file: string, marks: ReadonlyArray<string>): Array<string> => {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>
    return tables
      .filter((t) =>
        (db.prepare(`SELECT * FROM "${t.name}"`).all() as Array<unknown>).some((row) =>
          marks.some((mark) => JSON.stringify(row).includes(mark))
        )
      )
      .map((t) => t.name)
  } finally {
    db.close()
  }
}

describe("SqliteStore: removing a merchant", () => {
  it.effect("leaves no row in any table that mentions it; every table but the store's own bookkeeping held some", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "paymux.db")
      const key = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })
      const layer = SqliteStore.layer({ filename: file, keyProvider: key })
      const [gone, kept] = yield* Effect.all([seedEverything(1), seedEverything(2)]).pipe(Effect.provide(layer))
      const db = new Database(file, { readonly: true })
      const everyTable = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>)
        .map((t) => t.name)
        .filter((t) => !["paymux_change_counter", "paymux_migrations", "paymux_store_keys", "sqlite_sequence"].includes(t))
      db.close()
      // A table added to the schema and not seeded here fails first: seed it, and remove it with the merchant.
      expect(tablesMentioning(file, gone!), "the seed covers every table").toEqual(everyTable)
      yield* Effect.flatMap(Effect.service(Repositories.MerchantRepository), (merchants) => merchants.remove(F.merchantCode(1))).pipe(
        Effect.provide(layer)
      )
      expect(tablesMentioning(file, gone!), "tables still holding the removed merchant's rows").toEqual([])
      expect(tablesMentioning(file, kept!), "the other merchant's rows").toEqual(everyTable)
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: migrations", () => {
  it.effect("migrate is idempotent and records the version", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "m.db")
      expect(yield* SqliteStore.migrate({ filename: file })).toBe(SqlStore.schemaVersion)
      expect(yield* SqliteStore.migrate({ filename: file })).toBe(SqlStore.schemaVersion)
      const db = new Database(file)
      expect(db.prepare("SELECT migration_id FROM paymux_migrations ORDER BY migration_id").all()).toEqual(
        Array.from({ length: SqlStore.schemaVersion }, (_, i) => ({ migration_id: i + 1 }))
      )
      db.prepare("INSERT INTO paymux_migrations (migration_id, name) VALUES (?, ?)").run(SqlStore.schemaVersion + 1, "future")
      db.close()
      const exit = yield* Effect.exit(Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys })).pipe(Effect.scoped))
      expect(reasonOf(exit)).toBe("SchemaTooNew")
      rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("with upgrade: false an older schema is refused and left as it was; a new file is still created", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const key = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })
      const older = join(dir, "older.db")
      yield* Effect.scoped(
        Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: older })), (context) =>
          Effect.provideContext(SqlStore.migrateTo(SqlStore.schemaVersion - 1), context)
        )
      )
      const before = readFileSync(older)
      const exit = yield* Effect.exit(
        Layer.build(SqliteStore.layer({ filename: older, upgrade: false, keyProvider: key })).pipe(Effect.scoped)
      )
      expect(reasonOf(exit)).toBe("SchemaTooOld")
      expect(readFileSync(older).equals(before)).toBe(true)
      const applied = () => {
        const db = new Database(older, { readonly: true })
        const version = db.prepare("SELECT max(migration_id) FROM paymux_migrations").pluck().get()
        db.close()
        return version
      }
      expect(applied()).toBe(SqlStore.schemaVersion - 1)
      // A new database, and the current schema, open as before.
      const created = join(dir, "new.db")
      for (let i = 0; i < 2; i++) {
        yield* Effect.gen(function* () {
          yield* (yield* Repositories.MerchantRepository).list()
        }).pipe(Effect.provide(SqliteStore.layer({ filename: created, upgrade: false, keyProvider: key })))
      }
      // The default still upgrades.
      yield* Layer.build(SqliteStore.layer({ filename: older, keyProvider: key })).pipe(Effect.scoped)
      expect(applied()).toBe(SqlStore.schemaVersion)
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: a migration that cannot run", () => {
  const failureOf = <A, E>(exit: Exit.Exit<A, E>) =>
    Exit.isSuccess(exit)
      ? undefined
      : (exit.cause.reasons.find((r) => r._tag === "Fail") as { error?: { reason: { _tag: string }; message: string } } | undefined)?.error
  const openAfter = (file: string, prepare: (db: Database.Database) => void, version: number) =>
    Effect.gen(function* () {
      yield* Effect.scoped(
        Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
          Effect.provideContext(SqlStore.migrateTo(version), context)
        )
      )
      const db = new Database(file)
      prepare(db)
      db.close()
      return failureOf(yield* Effect.exit(Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys })).pipe(Effect.scoped)))
    })

  // Regression (upgrade probe): a failed migration said only 'Migration "4_webhook_endpoints"
  // failed', dropping why (a full disk, a missing privilege), so no hint could name the cause.
  it.effect("says which migration failed and the database's reason", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const failure = yield* openAfter(
        join(dir, "taken.db"),
        // Migration 7 creates this index; a name already taken makes it fail.
        (db) => db.exec("CREATE INDEX paymux_outbox_dead ON paymux_merchants (name)"),
        6
      )
      expect(failure?.message).toMatch(/Migration "7_outbox_dead" failed: .*index paymux_outbox_dead already exists/)
      rmSync(dir, { recursive: true, force: true })
    })
  )

  // Regression (upgrade probe): the migrator compared only the highest recorded id, so a database
  // whose migration 3 was another build's change skipped this release's migration 3 silently.
  it.effect("refuses a database whose recorded migrations are another build's", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const failure = yield* openAfter(
        join(dir, "branch.db"),
        (db) => db.prepare("UPDATE paymux_migrations SET name = 'webhook_endpoints' WHERE migration_id = 3").run(),
        SqlStore.schemaVersion
      )
      expect(failure?.reason._tag).toBe("Corrupt")
      expect(failure?.message).toContain("records migration 3_webhook_endpoints where this release's is 3_shared_state")
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: master keys", () => {
  // Review of the replaced-key rule: which key was recorded last came from each host's clock, so a
  // rotating host whose clock was behind made the old key "last" again.
  it.effect("the key recorded last is the current one, whatever the recording host's clock said", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "keys.db")
      const key = (id: string, fill: number) => ({ id, key: new Uint8Array(32).fill(fill) })
      const open = (list: ReadonlyArray<{ readonly id: string; readonly key: Uint8Array }>) =>
        Effect.exit(
          Layer.build(
            SqliteStore.layer({ filename: file, keyProvider: KeyProvider.layerStatic({ keys: list, pepper: new Uint8Array(32).fill(9) }) })
          ).pipe(Effect.scoped)
        )
      yield* TestClock.setTime(1_000_000)
      expect(Exit.isSuccess(yield* open([key("k1", 1)]))).toBe(true)
      yield* TestClock.setTime(1_000)
      expect(Exit.isSuccess(yield* open([key("k2", 2), key("k1", 1)]))).toBe(true)
      expect(reasonOf(yield* open([key("k1", 1)]))).toBe("KeyMismatch")
      expect(reasonOf(yield* open([key("k1", 1), key("k2", 2)]))).toBe("KeyMismatch")
      expect(Exit.isSuccess(yield* open([key("k2", 2)]))).toBe(true)
    })
  )
})

describe("SqliteStore: a database written before key fingerprints", () => {
  // Regression (upgrade probe F2): on the first open of a database that recorded no fingerprints,
  // whatever keys were configured were recorded, even keys that open none of its secrets (another
  // installation's keys in the shell, a backup restored after a rotation); the database then
  // refused its own key file.
  it.effect("records the configured keys only when they open the secrets it already holds", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "before-fingerprints.db")
      const provider = (id: string, fill: number) =>
        KeyProvider.layerStatic({ keys: [{ id, key: new Uint8Array(32).fill(fill) }], pepper: new Uint8Array(32).fill(9) })
      const own = provider("local-1", 1)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(SqliteStore.layer({ filename: file, keyProvider: own }))
          yield* Effect.provideContext(
            Effect.gen(function* () {
              yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
              yield* (yield* Repositories.ChannelRepository).create(F.channel(1, 1))
            }),
            context
          )
        })
      )
      const db = new Database(file)
      db.prepare("DELETE FROM paymux_store_keys").run()
      db.close()
      const open = (keyProvider: typeof own) =>
        Effect.exit(Layer.build(SqliteStore.layer({ filename: file, keyProvider })).pipe(Effect.scoped))
      const stray = yield* open(provider("stray", 2))
      expect(reasonOf(stray)).toBe("KeyMismatch")
      expect(String(Exit.isFailure(stray) && stray.cause.reasons[0])).toContain(
        "the configured keys do not open the secrets it holds, sealed with local-1 before key fingerprints were recorded"
      )
      const recorded = () => {
        const check = new Database(file, { readonly: true })
        const rows = check.prepare("SELECT kind, key_id FROM paymux_store_keys ORDER BY kind").all()
        check.close()
        return rows
      }
      expect(recorded(), "nothing recorded").toEqual([])
      // The same id with other key bytes does not open them either.
      expect(reasonOf(yield* open(provider("local-1", 3)))).toBe("KeyMismatch")
      expect(Exit.isSuccess(yield* open(own))).toBe(true)
      expect(recorded()).toEqual([
        { kind: "master", key_id: "local-1" },
        { kind: "pepper", key_id: "" }
      ])
    })
  )
})

describe("SqliteStore: upgrading webhook settings to endpoints (migration 4)", () => {
  it.effect("a mode's URL becomes its endpoint ep_<mode>, the content type applies to both modes, pending deliveries follow", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "old.db")
      yield* Effect.scoped(
        Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
          Effect.provideContext(SqlStore.migrateTo(2), context)
        )
      )
      const db = new Database(file)
      db.prepare("INSERT INTO paymux_merchants (code, name, policy, created_at, version) VALUES (?, 'Old', 'fallback', 1, 1)").run(
        F.merchantCode(1)
      )
      db.prepare(
        "INSERT INTO paymux_webhook_settings (merchant, url_test, url_live, content_type, version) VALUES (?, ?, NULL, 'form', 3)"
      ).run(F.merchantCode(1), 'http://127.0.0.1:8080/hook?q="x"')
      db.prepare(
        `INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, content_type, payload, status,
        attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at)
        VALUES ('d1', ?, 'msg_1', 'test', 'http://127.0.0.1:8080/hook', 'Transaction.Paid', 'application/json', '{}', 'pending', 0, 6, 1, 'event', 1, 1)`
      ).run(F.merchantCode(1))
      db.close()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys }))
          const settings = yield* Effect.provideContext(
            Effect.gen(function* () {
              return yield* (yield* Repositories.WebhookSettingsRepository).get(F.merchantCode(1))
            }),
            context
          )
          expect(settings).toEqual({
            merchant: F.merchantCode(1),
            test: { contentType: "form", endpoints: [{ id: "ep_test", url: 'http://127.0.0.1:8080/hook?q="x"' }] },
            live: { contentType: "form", endpoints: [] },
            version: 3
          })
          const history = yield* Effect.provideContext(
            Effect.gen(function* () {
              return yield* (yield* Outbox.Outbox).get("d1")
            }),
            context
          )
          expect(history.delivery.endpointId).toBe("ep_test")
        })
      )
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: upgrading Idempotency-Key records to running byte totals (migration 8)", () => {
  // Scale probe, finding 1: complete read every record of the merchant, twice, under the write
  // lock. Totals are kept now; a database upgraded with records in it must start from their sums.
  it.effect("each merchant's total starts as the sum of the records it holds, and follows from there", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "v7.db")
      yield* Effect.scoped(
        Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
          Effect.provideContext(SqlStore.migrateTo(7), context)
        )
      )
      const db = new Database(file)
      const insert = db.prepare(
        `INSERT INTO paymux_idempotency (record_id, merchant, body_hash, state, status, headers, body, bytes, created_at, expires_at, lease_until)
        VALUES (?, ?, 'h', ?, NULL, NULL, NULL, ?, ?, ?, ?)`
      )
      const [a, b, c] = [F.merchantCode(1), F.merchantCode(2), F.merchantCode(3)]
      insert.run("a1", a, "withheld", 300, 1_000, 100_000, 11_000)
      insert.run("a2", a, "withheld", 450, 1_001, 100_000, 11_001)
      insert.run("a3", a, "running", 0, 1_002, 100_000, 11_002)
      insert.run("b1", b, "withheld", 700, 1_000, 2_000, 11_000)
      db.close()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys }))
          yield* Effect.provideContext(
            Effect.gen(function* () {
              const records = yield* IdempotencyRecords.IdempotencyRecords
              expect([yield* records.bytes(a), yield* records.bytes(b), yield* records.bytes(c)]).toEqual([750, 700, 0])
              // The records from before the upgrade are dropped, and counted off, like any other.
              yield* records.begin({ id: "b2", merchant: b, bodyHash: "h", now: 3_000, expiresAt: 100_000, leaseUntil: 13_000 })
              yield* records.complete({
                id: "b2",
                leaseUntil: 13_000,
                merchant: b,
                outcome: "withheld",
                bytes: 10,
                now: 3_000,
                maxBytes: 1_000
              })
              expect(yield* records.bytes(b)).toBe(10)
              yield* records.complete({
                id: "a3",
                leaseUntil: 11_002,
                merchant: a,
                outcome: "withheld",
                bytes: 500,
                now: 3_000,
                maxBytes: 1_000
              })
              expect(yield* records.bytes(a)).toBe(950)
            }),
            context
          )
        })
      )
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: upgrading a database made by the first release (migration 5)", () => {
  const firstRelease = JSON.parse(readFileSync(join(packageRoot, "test", "fixtures", "first-release-schema.json"), "utf8")) as {
    readonly objects: ReadonlyArray<{ readonly type: string; readonly name: string; readonly table: string; readonly sql: string }>
  }
  const migratedTo = (file: string, version: number) =>
    Effect.scoped(
      Effect.flatMap(Layer.build(SqliteStore.layerClient({ filename: file })), (context) =>
        Effect.provideContext(SqlStore.migrateTo(version), context)
      )
    )

  // Regression: migration 1 was edited after the first release (an attempt's url column), so a
  // database that release made never got the column and no attempt could be recorded on it.
  it.effect("migration 1 makes exactly the schema the first release made", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "v1.db")
      yield* migratedTo(file, 1)
      const db = new Database(file, { readonly: true })
      const objects = db
        .prepare(
          `SELECT type, name, tbl_name AS "table", sql FROM sqlite_master
          WHERE name NOT LIKE 'sqlite_%' AND tbl_name <> 'paymux_migrations' ORDER BY name`
        )
        .all()
      db.close()
      expect(objects).toEqual(firstRelease.objects)
      rmSync(dir, { recursive: true, force: true })
    })
  )

  const attemptsAfterUpgrade = (prepare: (db: Database.Database) => void) =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "v1.db")
      yield* migratedTo(file, 1)
      const db = new Database(file)
      prepare(db)
      db.prepare(
        `INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, content_type, payload, status,
        attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at)
        VALUES ('d1', NULL, 'msg_1', 'test', 'http://127.0.0.1:8080/queued', 'Transaction.Paid', 'application/json', '{}', 'pending', 1, 6, 1, 'event', 1, 1)`
      ).run()
      db.prepare(
        `INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, started_at, latency_millis, http_status, error,
        response_excerpt, outcome) VALUES ('d1', 1, 'w-old', 1, 5, 500, NULL, 'down', 'retry')`
      ).run()
      db.close()
      const history = yield* Effect.scoped(
        Effect.flatMap(Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys })), (context) =>
          Effect.provideContext(
            Effect.gen(function* () {
              const outbox = yield* Outbox.Outbox
              const [claimed] = yield* outbox.claim({ workerId: "w-new", now: 2, leaseMillis: 60_000, limit: 1 })
              expect(claimed?.id).toBe("d1")
              yield* outbox.recordAttempt(
                { ...F.attempt("d1", "w-new", 2, "delivered"), url: "http://127.0.0.1:8080/now" },
                { now: 3, next: { _tag: "Complete" } }
              )
              return yield* outbox.get("d1")
            }),
            context
          )
        )
      )
      rmSync(dir, { recursive: true, force: true })
      expect(history.delivery.status).toBe("delivered")
      return history.attempts.map((a) => [a.number, a.workerId, a.url])
    })

  it.effect("an attempt the first release recorded keeps the URL it went to, and new attempts are recorded", () =>
    Effect.gen(function* () {
      expect(yield* attemptsAfterUpgrade(() => {})).toEqual([
        [1, "w-old", "http://127.0.0.1:8080/queued"],
        [2, "w-new", "http://127.0.0.1:8080/now"]
      ])
    })
  )

  // Builds of 2026-12-05 made the column in migration 1; for them migration 5 changes nothing.
  it.effect("a database that already has the column keeps its attempts' URLs", () =>
    Effect.gen(function* () {
      const addColumn = (db: Database.Database) =>
        void db.prepare("ALTER TABLE paymux_outbox_attempts ADD COLUMN url TEXT NOT NULL DEFAULT 'http://127.0.0.1:8080/recorded'").run()
      expect(yield* attemptsAfterUpgrade(addColumn)).toEqual([
        [1, "w-old", "http://127.0.0.1:8080/recorded"],
        [2, "w-new", "http://127.0.0.1:8080/now"]
      ])
    })
  )
})

describe("SqliteStore: the WAL file", () => {
  // Regression (soak probe F1): after one long outside reader the -wal file stayed at its peak
  // (123 MB beside a 17 MB database) until every process had closed the database.
  it.effect("is cut back to its limit once a long reader is gone and it starts over", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "wal.db")
      const walSize = () => statSync(`${file}-wal`).size
      yield* Effect.scoped(
        Effect.gen(function* () {
          const sql = yield* Effect.service(SqlClient.SqlClient)
          yield* sql`CREATE TABLE filler (data BLOB)`
          const reader = new Database(file, { readonly: true })
          reader.prepare("BEGIN").run()
          reader.prepare("SELECT count(*) FROM filler").get() // holds a snapshot: nothing can be checkpointed
          const megabytes = Math.ceil(walSizeLimitBytes / 1024 / 1024) + 4
          for (let i = 0; i < megabytes; i++) yield* sql`INSERT INTO filler VALUES (randomblob(1048576))`
          expect(walSize()).toBeGreaterThan(walSizeLimitBytes)
          reader.prepare("COMMIT").run()
          reader.close()
          // The next commits checkpoint the whole WAL, and the one after starts it over.
          for (let i = 0; i < 3; i++) yield* sql`INSERT INTO filler VALUES (randomblob(1024))`
          expect(walSize()).toBeLessThanOrEqual(walSizeLimitBytes)
        }).pipe(Effect.provide(SqliteStore.layerClient({ filename: file })))
      )
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: savepoints", () => {
  // Regression (resend-failed memory probe): the client never released a savepoint, so each store
  // operation inside a transaction left one open until COMMIT. resend-failed's 3,750 operations
  // held 3,750 nested savepoints; over a 600k-row outbox that was 190 MB and most of its time.
  it.effect("an operation inside a transaction releases its own savepoint when it is done", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      yield* Effect.scoped(
        Effect.gen(function* () {
          const sql = yield* Effect.service(SqlClient.SqlClient)
          const tx = yield* Transaction.Transaction
          const merchants = yield* Repositories.MerchantRepository
          const left = yield* tx.withTransaction(
            Effect.gen(function* () {
              yield* merchants.create(F.merchant(1))
              yield* merchants.get(F.merchantCode(1))
              // The operations' savepoints (effect_sql_1) are gone: releasing one finds none.
              return yield* Effect.exit(sql`RELEASE SAVEPOINT effect_sql_1`)
            })
          )
          expect(Exit.isFailure(left)).toBe(true)
          expect((yield* merchants.get(F.merchantCode(1))).code).toBe(F.merchantCode(1))
        }).pipe(
          // The store over a client the test can reach too.
          Effect.provide(
            SqlStore.layer.pipe(Layer.provideMerge(SqliteStore.layerClient({ filename: join(dir, "sp.db") })), Layer.provide(keys))
          )
        )
      )
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: driver failures", () => {
  it.effect("a database that cannot be opened is Unavailable (retryable)", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        Layer.build(SqliteStore.layer({ filename: "/nonexistent-dir/paymux.db", keyProvider: keys })).pipe(Effect.scoped)
      )
      expect(reasonOf(exit)).toBe("Unavailable")
    })
  )

  it.effect("a unique violation is Conflict, worded in domain terms without SQL", () =>
    Effect.gen(function* () {
      const merchants = yield* Repositories.MerchantRepository
      yield* merchants.create(F.merchant(1))
      const exit = yield* Effect.exit(merchants.create(F.merchant(1)))
      expect(reasonOf(exit)).toBe("Conflict")
      // Regression: the message was "constraint violated: UNIQUE constraint failed: paymux_merchants.code".
      expect(Exit.isFailure(exit) && (exit.cause.reasons[0] as any).error.message).toBe(
        "merchant imp00000001: a merchant with this code exists"
      )
      const channels = yield* Repositories.ChannelRepository
      const a = yield* channels.create(F.channel(1, 1))
      const twin = yield* Effect.exit(channels.create({ ...F.channel(1, 2), mid: a.mid }))
      const text = Exit.isFailure(twin) ? String((twin.cause.reasons[0] as any).error.message) : ""
      // It names the channel in the slot, not the key the refused create generated.
      expect(text).toMatch(new RegExp(`^channel ${a.key}: imp00000001 already has this ${a.mode} ${a.pg} channel with MID ${a.mid} for `))
      expect(text).not.toMatch(/paymux_|UNIQUE|constraint failed/)
    }).pipe(Effect.provide(memory()))
  )

  // Ids can come from a request path; a message quotes at most 200 characters of one.
  it.effect("a NotFound for a 100,000-character id quotes at most 200 characters of it", () =>
    Effect.gen(function* () {
      yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      const huge = "k".repeat(100_000) as Parameters<Repositories.ChannelRepository["Service"]["get"]>[1]
      const exit = yield* Effect.exit((yield* Repositories.ChannelRepository).get(F.merchantCode(1), huge))
      expect(reasonOf(exit)).toBe("NotFound")
      const message = Exit.isFailure(exit) ? String((exit.cause.reasons[0] as any).error.message) : ""
      expect(message.length).toBeLessThan(300)
      expect(message).toContain("(100000 characters)")
    }).pipe(Effect.provide(memory()))
  )

  it.effect("SQLITE_BUSY (another process holds the write lock) is Unavailable", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "busy.db")
      yield* SqliteStore.migrate({ filename: file })
      const other = new Database(file)
      other.prepare("BEGIN IMMEDIATE").run()
      const exit = yield* Effect.exit(
        Effect.gen(function* () {
          return yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        }).pipe(Effect.provide(SqliteStore.layer({ filename: file, busyTimeoutMillis: 20, keyProvider: keys })))
      )
      other.prepare("ROLLBACK").run()
      other.close()
      expect(reasonOf(exit)).toBe("Unavailable")
      expect(Exit.isFailure(exit) && (exit.cause.reasons[0] as any).error.retryable).toBe(true)
      rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("a store opened on a migrated file reads while another process holds the write lock (opening waited for it)", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "reader.db")
      // One set of keys for both opens, as one deployment has.
      const sameKeys = Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral())
      const layer = SqliteStore.layer({ filename: file, busyTimeoutMillis: 20, keyProvider: sameKeys })
      const merchants = Effect.service(Repositories.MerchantRepository)
      yield* Effect.flatMap(merchants, (m) => m.create(F.merchant(1))).pipe(Effect.provide(layer))
      const other = new Database(file)
      other.prepare("BEGIN IMMEDIATE").run()
      const listed = yield* Effect.exit(Effect.flatMap(merchants, (m) => m.list()).pipe(Effect.provide(layer)))
      other.prepare("ROLLBACK").run()
      other.close()
      expect(Exit.isSuccess(listed) && listed.value.map((m) => m.code)).toEqual([F.merchantCode(1)])
      rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("a failure between an attempt's row and its delivery's new state leaves neither (the kill of issue 17)", () =>
    Effect.gen(function* () {
      const file = join(tempDir(), "attempt.db")
      const layer = SqliteStore.layer({ filename: file, keyProvider: Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral()) })
      yield* Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        yield* outbox.enqueue({ id: "d0", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" }, 100)
        yield* outbox.claim({ workerId: "w1", now: 100, leaseMillis: 1000, limit: 1 })
        const delivered = F.attempt("d0", "w1", 1, "delivered")
        // The statement after the delivery's UPDATE (the attempt's INSERT) fails.
        const other = new Database(file)
        other.exec("CREATE TRIGGER paymux_test_fail BEFORE INSERT ON paymux_outbox_attempts BEGIN SELECT RAISE(ABORT, 'injected'); END")
        const exit = yield* Effect.exit(outbox.recordAttempt(delivered, { now: 150, next: { _tag: "Complete" } }))
        other.exec("DROP TRIGGER paymux_test_fail")
        other.close()
        expect(Exit.isFailure(exit)).toBe(true)
        const after = yield* outbox.get("d0")
        expect(after.attempts).toEqual([])
        expect(after.delivery).toMatchObject({ status: "pending", attempts: 0, lease: { workerId: "w1", until: 1100 } })
        yield* outbox.recordAttempt(delivered, { now: 160, next: { _tag: "Complete" } })
        expect((yield* outbox.get("d0")).delivery).toMatchObject({ status: "delivered", attempts: 1 })
      }).pipe(Effect.provide(layer))
    })
  )

  // Regression (storage probe): a file that is not a database, or a damaged one, was a retryable
  // "store unavailable", and the facade called it retryable.
  it.effect("a file that is not a SQLite database is Corrupt, not a retryable Unavailable", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "not-a-database.db")
      writeFileSync(file, "this is not a database ".repeat(400))
      const exit = yield* Effect.exit(Layer.build(SqliteStore.layer({ filename: file, keyProvider: keys })).pipe(Effect.scoped))
      expect(reasonOf(exit)).toBe("Corrupt")
      rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("a row that does not decode is Corrupt", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "corrupt.db")
      // The same keys for both opens of the file (an ephemeral key per build would be refused).
      const layer = SqliteStore.layer({ filename: file, keyProvider: Layer.succeed(KeyProvider.KeyProvider, KeyProvider.makeEphemeral()) })
      yield* Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
      }).pipe(Effect.provide(layer))
      const db = new Database(file)
      db.prepare("UPDATE paymux_merchants SET policy = 'sometimes'").run()
      db.close()
      const exit = yield* Effect.exit(
        Effect.gen(function* () {
          return yield* (yield* Repositories.MerchantRepository).get(F.merchantCode(1))
        }).pipe(Effect.provide(layer))
      )
      expect(reasonOf(exit)).toBe("Corrupt")
      rmSync(dir, { recursive: true, force: true })
    })
  )
})

describe("SqliteStore: separate processes open one new file together", () => {
  // Four processes migrate one new file in turn, each waiting on the others' write locks. On a
  // 2-core machine under load that queue alone can outlast SQLite's usual 5 s busy timeout, so the
  // workers wait up to 60 s: the tests are about waiting instead of failing, not about how long.
  const busyTimeoutMillis = 60_000
  const run = (dir: string, index: number, rounds: number, start: number, spacing: number) =>
    new Promise<{ index: number; failures: Array<{ round: number; error: string }> }>((resolve, reject) => {
      // Children load the TypeScript sources through tsx, as the tests do.
      execFile(
        process.execPath,
        [
          "--import",
          "tsx",
          "--conditions=@paymux/source",
          childScript,
          dir,
          String(index),
          String(rounds),
          String(start),
          String(spacing),
          String(busyTimeoutMillis)
        ],
        { cwd: packageRoot, timeout: 120_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`worker ${index}: ${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)))
      )
    })
  const merchantsIn = (file: string) => {
    const db = new Database(file, { readonly: true })
    const codes = (db.prepare("SELECT code FROM paymux_merchants ORDER BY code").all() as Array<{ code: string }>).length
    const mode = db.pragma("journal_mode", { simple: true })
    db.close()
    return { codes, mode }
  }

  // Regression: while another connection holds the write lock of a file that is not yet in WAL
  // mode (as the process creating it does), `PRAGMA journal_mode = WAL` answers SQLITE_BUSY at
  // once, without waiting on the busy timeout, so stores opened beside it failed.
  it("4 processes open a new file while another process is still creating it: all wait, all succeed", async () => {
    const dir = tempDir()
    const creator = new Database(join(dir, "round-0.db"))
    creator.exec("BEGIN IMMEDIATE")
    creator.exec("CREATE TABLE creating (x)")
    const children = Promise.all([1, 2, 3, 4].map((i) => run(dir, i, 1, Date.now(), 0)))
    // Commits 1.5 s after every child has started to open the file (well within their busy timeout).
    while ([1, 2, 3, 4].some((i) => !existsSync(join(dir, `ready-${i}-0`)))) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    creator.exec("COMMIT")
    creator.close()
    const results = await children
    expect(results.flatMap((r) => r.failures)).toEqual([])
    expect(merchantsIn(join(dir, "round-0.db"))).toEqual({ codes: 4, mode: "wal" })
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it("4 processes x 15 brand-new files opened at the same millisecond: every open and write succeeds", async () => {
    const dir = tempDir()
    const workers = 4
    const rounds = 15
    const start = Date.now() + 8_000
    const results = await Promise.all(Array.from({ length: workers }, (_, i) => run(dir, i + 1, rounds, start, 250)))
    expect(results.flatMap((r) => r.failures)).toEqual([])
    for (let r = 0; r < rounds; r++) {
      expect({ round: r, ...merchantsIn(join(dir, `round-${r}.db`)) }).toEqual({ round: r, codes: workers, mode: "wal" })
    }
    rmSync(dir, { recursive: true, force: true })
  }, 120_000)
})

describe("SqliteStore: tracing", () => {
  it.effect("statement and transaction spans reach an installed tracer (they are skipped only without one)", () =>
    Effect.gen(function* () {
      const names: Array<string> = []
      const tracer = Tracer.make({
        span: (options) => {
          names.push(options.name)
          return new Tracer.NativeSpan(options)
        }
      })
      yield* Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        yield* (yield* Repositories.ChannelRepository).create(F.channel(1, 1))
      }).pipe(Effect.provide(memory()), Effect.withTracer(tracer))
      expect(names).toContain("sql.transaction")
      expect(names.filter((n) => n !== "sql.transaction").length).toBeGreaterThanOrEqual(3)
    })
  )
})

describe("SqliteStore: the keys that sealed a file", () => {
  it.effect("a file opened with KeyProvider.layerEphemeral is refused in the next process with KeyMismatch explaining why", () =>
    Effect.gen(function* () {
      const dir = tempDir()
      const file = join(dir, "ephemeral.db")
      // Each build of layerEphemeral is a new key, as in a new process.
      const open = SqliteStore.layer({ filename: file, keyProvider: KeyProvider.layerEphemeral })
      yield* Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        yield* (yield* Repositories.ChannelRepository).create(F.channel(1, 1))
      }).pipe(Effect.provide(open))
      const exit = yield* Effect.exit(Layer.build(Layer.fresh(open)).pipe(Effect.scoped))
      expect(reasonOf(exit)).toBe("KeyMismatch")
      expect(Exit.isFailure(exit) ? String(exit.cause) : "").toContain("layerEphemeral")
      rmSync(dir, { recursive: true, force: true })
    })
  )
})
