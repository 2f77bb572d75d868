import { describe, expect, it } from "@effect/vitest"
import { AuditLog, KeyProvider, Repositories, SqlStore, Transaction } from "@paymux/store"
import { Outbox } from "@paymux/store"
import { Effect, Exit, Fiber, Layer, Redacted } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { PostgresStore } from "../src/index.ts"
import { StoreFixtures as F } from "@paymux/store-testkit"
import { freshSchema, pgUrl, requirePg } from "./pg.ts"

const reasonOf = <A, E>(exit: Exit.Exit<A, E>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = exit.cause.reasons.find((r) => r._tag === "Fail") as { error?: { reason?: { _tag: string } } } | undefined
  return failure?.error?.reason?._tag
}

/**
 * A deferred trigger that ends its own backend while COMMIT runs, after an insert into `table`:
 * the connection is lost exactly at COMMIT. `DROP TRIGGER end_backend_at_commit ON <table>` ends it.
 */
const endBackendAtCommit = (sql: SqlClient.SqlClient, table: string) =>
  Effect.andThen(
    sql.unsafe(`CREATE OR REPLACE FUNCTION end_backend() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$`),
    sql.unsafe(`CREATE CONSTRAINT TRIGGER end_backend_at_commit AFTER INSERT ON ${table}
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION end_backend()`)
  )

const messageOf = <A, E>(exit: Exit.Exit<A, E>): string | undefined => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = exit.cause.reasons.find((r) => r._tag === "Fail") as { error?: { message?: string } } | undefined
  return failure?.error?.message
}

if (requirePg("PostgresStore.test.ts")) {
  const url = pgUrl!
  const keys = KeyProvider.layerStatic({ keys: [{ id: "k1", key: new Uint8Array(32).fill(7) }], pepper: new Uint8Array(32).fill(9) })
  /** A store in its own, new schema. */
  const fresh = (
    maxConnections = 8
  ): { readonly schema: string; readonly layer: Layer.Layer<PostgresStore.Services | SqlClient.SqlClient, unknown> } => {
    const schema = freshSchema()
    const client = PostgresStore.layerClient({ url, schema, maxConnections })
    return { schema, layer: Layer.provideMerge(SqlStore.layerWith({ relaxedOutboxCommits: true }), Layer.merge(client, keys)) }
  }

  describe("PostgresStore: round trips", () => {
    it.live("channels: sequences, order, optimistic concurrency, tenant scoping, unassign on remove", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const channels = yield* Repositories.ChannelRepository
        const subs = yield* Repositories.SubMerchantRepository
        yield* merchants.create(F.merchant(1))
        const a = yield* channels.create(F.channel(1, 1))
        const b = yield* channels.create(F.channel(1, 2))
        expect([a.sequence, b.sequence]).toEqual([1, 2])
        expect((yield* channels.list(F.merchantCode(1))).map((c) => c.key)).toEqual([a.key, b.key])
        const got = yield* channels.get(F.merchantCode(1), a.key)
        // A read leaves the credentials sealed; `credentials` opens them.
        expect(got).toEqual({ ...a, credentials: {} })
        expect(Redacted.value((yield* channels.credentials(F.merchantCode(1), a.key))["site_key"]!)).toBe(
          Redacted.value(a.credentials["site_key"]!)
        )
        expect(reasonOf(yield* Effect.exit(channels.get(F.merchantCode(2), a.key)))).toBe("NotFound")
        yield* channels.update({ ...a, name: "Renamed" as typeof a.name })
        expect(reasonOf(yield* Effect.exit(channels.update(a)))).toBe("Conflict")
        const sub = yield* subs.create(F.tier(1, "A01"))
        yield* subs.update({ ...sub, channels: [b.key, a.key] })
        yield* channels.remove(F.merchantCode(1), a.key, 1)
        expect((yield* channels.listForTier(F.merchantCode(1), sub.tier)).map((c) => c.key)).toEqual([b.key])
        expect((yield* channels.create(F.channel(1, 3))).sequence).toBe(3)
      }).pipe(Effect.provide(fresh().layer))
    )

    it.live("50 concurrent edits of one channel: one winner per version", () =>
      Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        const channels = yield* Repositories.ChannelRepository
        const a = yield* channels.create(F.channel(1, 1))
        const results = yield* Effect.all(
          Array.from({ length: 50 }, (_, i) => Effect.exit(channels.update({ ...a, name: `Edit ${i}` as typeof a.name }))),
          { concurrency: "unbounded" }
        )
        expect(results.filter(Exit.isSuccess).length).toBe(1)
        expect(results.filter((e) => reasonOf(e) === "Conflict").length).toBe(49)
        expect((yield* channels.get(F.merchantCode(1), a.key)).version).toBe(1)
      }).pipe(Effect.provide(fresh().layer))
    )

    it.live("a failed unit of work leaves nothing behind", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const tx = yield* Transaction.Transaction
        const outbox = yield* Outbox.Outbox
        const audit = yield* AuditLog.AuditLog
        const exit = yield* Effect.exit(
          tx.withTransaction(
            Effect.gen(function* () {
              yield* merchants.create(F.merchant(1))
              yield* audit.append({
                id: "a1",
                merchant: "imp00000001",
                actor: "t",
                action: "x",
                target: "y",
                before: null,
                after: null,
                at: 1
              })
              yield* tx.withTransaction(outbox.enqueue({ mode: "live", url: "https://x.test/", eventType: "e", payload: "{}" }, 1))
              return yield* Effect.fail("boom")
            })
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(yield* merchants.list()).toEqual([])
        expect(yield* outbox.history({})).toEqual([])
        expect(yield* audit.list("imp00000001")).toEqual([])
      }).pipe(Effect.provide(fresh().layer))
    )

    it.live("raw rows hold no secret plaintext", () =>
      Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        yield* (yield* Repositories.ChannelRepository).create(F.channel(1, 1, "kcp-site-key-PLAINTEXT-canary"))
        yield* (yield* Repositories.WebhookSettingsRepository).putSecrets(F.merchantCode(1), "live", [
          Redacted.make("whsec_PLAINTEXTcanary")
        ])
        const sql = yield* SqlClient.SqlClient
        const tables = yield* sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema()`
        let raw = ""
        for (const t of tables)
          raw += JSON.stringify(yield* sql.unsafe(`SELECT * FROM "${t.table_name}"`), (_, v) => (typeof v === "bigint" ? String(v) : v))
        expect(raw).not.toContain("PLAINTEXT")
        expect(raw).toContain("pmx1.k1.")
        const back = yield* (yield* Repositories.WebhookSettingsRepository).getSecrets(F.merchantCode(1), "live")
        expect(back.map(Redacted.value)).toEqual(["whsec_PLAINTEXTcanary"])
      }).pipe(Effect.provide(fresh().layer))
    )
  })

  describe("PostgresStore: outbox", () => {
    it.live("4 concurrent claimers never double-claim", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const total = 400
        const now = 1_000
        yield* Effect.forEach(
          Array.from({ length: total }, (_, i) => i),
          (i) => outbox.enqueue({ id: `d${i}`, mode: "live", url: "https://x.test/", eventType: "e", payload: "{}" }, now),
          { concurrency: 8 }
        )
        const worker = (workerId: string) =>
          Effect.gen(function* () {
            const mine: Array<string> = []
            while (true) {
              const batch = yield* outbox.claim({ workerId, now, leaseMillis: 60_000, limit: 7 })
              if (batch.length === 0) return mine
              for (const d of batch) {
                yield* outbox.deadLetter({ deliveryId: d.id, workerId, now, reason: "claimed" })
                mine.push(d.id)
              }
            }
          })
        const claimed = (yield* Effect.all(["w1", "w2", "w3", "w4"].map(worker), { concurrency: "unbounded" })).flat()
        expect(claimed.length).toBe(total)
        expect(new Set(claimed).size).toBe(total)
        expect(yield* outbox.claim({ workerId: "late", now: now + 120_000, leaseMillis: 1, limit: 10 })).toEqual([])
      }).pipe(Effect.provide(fresh().layer))
    )
  })

  describe("PostgresStore: an attempt and its consequence", () => {
    it.live("a failure between an attempt's row and its delivery's new state leaves neither (the kill of issue 17)", () =>
      Effect.gen(function* () {
        const outbox = yield* Outbox.Outbox
        const sql = yield* SqlClient.SqlClient
        yield* outbox.enqueue({ id: "d0", mode: "live", url: "https://x.test/h", eventType: "e", payload: "{}" }, 100)
        yield* outbox.claim({ workerId: "w1", now: 100, leaseMillis: 1000, limit: 1 })
        const delivered = F.attempt("d0", "w1", 1, "delivered")
        // The statement after the delivery's UPDATE (the attempt's INSERT) fails.
        yield* sql.unsafe(
          `CREATE FUNCTION paymux_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$`
        )
        yield* sql.unsafe(
          "CREATE TRIGGER paymux_test_fail BEFORE INSERT ON paymux_outbox_attempts FOR EACH ROW EXECUTE FUNCTION paymux_test_fail()"
        )
        const exit = yield* Effect.exit(outbox.recordAttempt(delivered, { now: 150, next: { _tag: "Complete" } }))
        yield* sql.unsafe("DROP TRIGGER paymux_test_fail ON paymux_outbox_attempts")
        expect(Exit.isFailure(exit)).toBe(true)
        const after = yield* outbox.get("d0")
        expect(after.attempts).toEqual([])
        expect(after.delivery).toMatchObject({ status: "pending", attempts: 0, lease: { workerId: "w1", until: 1100 } })
        yield* outbox.recordAttempt(delivered, { now: 160, next: { _tag: "Complete" } })
        expect((yield* outbox.get("d0")).delivery).toMatchObject({ status: "delivered", attempts: 1 })
      }).pipe(Effect.provide(fresh().layer))
    )
  })

  describe("PostgresStore: migrations", () => {
    it.live("records the version and refuses a newer schema", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        expect(yield* PostgresStore.migrate({ url, schema })).toBe(SqlStore.schemaVersion)
        expect(yield* PostgresStore.migrate({ url, schema })).toBe(SqlStore.schemaVersion)
        yield* Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          yield* sql`INSERT INTO paymux_migrations (migration_id, name) VALUES (${SqlStore.schemaVersion + 1}, 'future')`
        }).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        const exit = yield* Effect.exit(Layer.build(PostgresStore.layer({ url, schema, keyProvider: keys })).pipe(Effect.scoped))
        expect(reasonOf(exit)).toBe("SchemaTooNew")
      })
    )

    // Regression (fault probe): a connection lost mid-migration failed the rollback too, and the
    // store's layer died with a MigrationError defect (the CLI: exit 1, "Migration failed").
    it.live("a connection lost during a migration is Unavailable, and the schema stays as it was", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        const client = PostgresStore.layerClient({ url, schema })
        const fn = `${schema}_kill`
        yield* SqlStore.migrateTo(SqlStore.schemaVersion - 1).pipe(Effect.provide(client))
        // The next migration (an index) ends its own connection; only in this schema, as other tests share the database.
        const sql = (text: string) =>
          Effect.gen(function* () {
            yield* (yield* SqlClient.SqlClient).unsafe(text)
          }).pipe(Effect.provide(client))
        yield* sql(`CREATE FUNCTION public.${fn}() RETURNS event_trigger LANGUAGE plpgsql AS $$
          BEGIN IF current_schema() = '${schema}' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; END $$`)
        yield* sql(`CREATE EVENT TRIGGER ${fn} ON ddl_command_start WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION public.${fn}()`)
        const exit = yield* Effect.exit(PostgresStore.migrate({ url, schema })).pipe(
          Effect.ensuring(Effect.ignore(Effect.andThen(sql(`DROP EVENT TRIGGER ${fn}`), sql(`DROP FUNCTION public.${fn}()`))))
        )
        expect(Exit.isFailure(exit) && exit.cause.reasons.some((r) => r._tag === "Die"), "no defect").toBe(false)
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(yield* SqlStore.appliedSchemaVersion.pipe(Effect.provide(client))).toBe(SqlStore.schemaVersion - 1)
        expect(yield* PostgresStore.migrate({ url, schema })).toBe(SqlStore.schemaVersion)
      })
    )

    it.live("a connection lost while the schema is created is Unavailable", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        const admin = PostgresStore.layerClient({ url })
        const fn = `${schema}_kill`
        const sql = (text: string) =>
          Effect.gen(function* () {
            yield* (yield* SqlClient.SqlClient).unsafe(text)
          }).pipe(Effect.provide(admin))
        // The schema does not exist yet, so the connection's search path names it.
        yield* sql(`CREATE FUNCTION public.${fn}() RETURNS event_trigger LANGUAGE plpgsql AS $$
          BEGIN IF current_setting('search_path') = '${schema}' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; END $$`)
        yield* sql(`CREATE EVENT TRIGGER ${fn} ON ddl_command_start WHEN TAG IN ('CREATE SCHEMA') EXECUTE FUNCTION public.${fn}()`)
        const exit = yield* Effect.exit(PostgresStore.migrate({ url, schema })).pipe(
          Effect.ensuring(Effect.ignore(Effect.andThen(sql(`DROP EVENT TRIGGER ${fn}`), sql(`DROP FUNCTION public.${fn}()`))))
        )
        expect(Exit.isFailure(exit) && exit.cause.reasons.some((r) => r._tag === "Die"), "no defect").toBe(false)
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(yield* PostgresStore.migrate({ url, schema })).toBe(SqlStore.schemaVersion)
      })
    )

    it.live("with upgrade: false an older schema is refused and not migrated", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        const applied = Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          return (yield* sql`SELECT max(migration_id) AS v FROM paymux_migrations`)[0]?.["v"]
        })
        yield* Effect.andThen(SqlStore.migrateTo(SqlStore.schemaVersion - 1), Effect.void).pipe(
          Effect.provide(PostgresStore.layerClient({ url, schema }))
        )
        const exit = yield* Effect.exit(
          Layer.build(PostgresStore.layer({ url, schema, upgrade: false, keyProvider: keys })).pipe(Effect.scoped)
        )
        expect(reasonOf(exit)).toBe("SchemaTooOld")
        expect(Number(yield* applied.pipe(Effect.provide(PostgresStore.layerClient({ url, schema }))))).toBe(SqlStore.schemaVersion - 1)
        yield* Layer.build(PostgresStore.layer({ url, schema, keyProvider: keys })).pipe(Effect.scoped)
        expect(Number(yield* applied.pipe(Effect.provide(PostgresStore.layerClient({ url, schema }))))).toBe(SqlStore.schemaVersion)
      })
    )
  })

  describe("PostgresStore: upgrading webhook settings to endpoints (migration 4)", () => {
    it.live("a mode's URL becomes its endpoint ep_<mode>, the content type applies to both modes, pending deliveries follow", () =>
      Effect.gen(function* () {
        const schema = freshSchema()
        const code = F.merchantCode(1)
        yield* Effect.gen(function* () {
          yield* SqlStore.migrateTo(2)
          const sql = yield* SqlClient.SqlClient
          yield* sql`INSERT INTO paymux_merchants (code, name, policy, created_at, version) VALUES (${code}, 'Old', 'fallback', 1, 1)`
          yield* sql`INSERT INTO paymux_webhook_settings (merchant, url_test, url_live, content_type, version)
            VALUES (${code}, NULL, ${'https://shop.example/hook?q="x"'}, 'form', 2)`
          yield* sql`INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, content_type, payload,
            status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at) VALUES ('d1', ${code}, 'msg_1',
            'live', 'https://shop.example/hook', 'Transaction.Paid', 'application/json', '{}', 'pending', 0, 6, 1, 'event', 1, 1)`
        }).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        yield* Effect.gen(function* () {
          expect(yield* (yield* Repositories.WebhookSettingsRepository).get(code)).toEqual({
            merchant: code,
            test: { contentType: "form", endpoints: [] },
            live: { contentType: "form", endpoints: [{ id: "ep_live", url: 'https://shop.example/hook?q="x"' }] },
            version: 2
          })
          expect((yield* (yield* Outbox.Outbox).get("d1")).delivery.endpointId).toBe("ep_live")
        }).pipe(Effect.provide(PostgresStore.layer({ url, schema, keyProvider: keys })))
      })
    )
  })

  // Regression: migration 1 was edited after the first release (an attempt's url column), so a
  // database that release made never got the column and no attempt could be recorded on it.
  describe("PostgresStore: upgrading a database made by the first release (migration 5)", () => {
    const attemptsAfterUpgrade = (prepare: Effect.Effect<void, unknown, SqlClient.SqlClient>) =>
      Effect.gen(function* () {
        const schema = freshSchema()
        yield* Effect.gen(function* () {
          yield* SqlStore.migrateTo(1)
          yield* prepare
          const sql = yield* SqlClient.SqlClient
          yield* sql`INSERT INTO paymux_outbox (delivery_id, merchant, message_id, mode, url, event_type, content_type, payload,
            status, attempts, max_attempts, next_attempt_at, trigger_kind, created_at, updated_at) VALUES ('d1', NULL, 'msg_1',
            'test', 'https://shop.example/queued', 'Transaction.Paid', 'application/json', '{}', 'pending', 1, 6, 1, 'event', 1, 1)`
          yield* sql`INSERT INTO paymux_outbox_attempts (delivery_id, number, worker_id, started_at, latency_millis, http_status,
            error, response_excerpt, outcome) VALUES ('d1', 1, 'w-old', 1, 5, 500, NULL, 'down', 'retry')`
        }).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        return yield* Effect.gen(function* () {
          const outbox = yield* Outbox.Outbox
          const [claimed] = yield* outbox.claim({ workerId: "w-new", now: 2, leaseMillis: 60_000, limit: 1 })
          expect(claimed?.id).toBe("d1")
          yield* outbox.recordAttempt(
            { ...F.attempt("d1", "w-new", 2, "delivered"), url: "https://shop.example/now" },
            { now: 3, next: { _tag: "Complete" } }
          )
          const history = yield* outbox.get("d1")
          expect(history.delivery.status).toBe("delivered")
          return history.attempts.map((a) => [a.number, a.workerId, a.url])
        }).pipe(Effect.provide(PostgresStore.layer({ url, schema, keyProvider: keys })))
      })

    it.live("an attempt the first release recorded keeps the URL it went to, and new attempts are recorded", () =>
      Effect.gen(function* () {
        expect(yield* attemptsAfterUpgrade(Effect.void)).toEqual([
          [1, "w-old", "https://shop.example/queued"],
          [2, "w-new", "https://shop.example/now"]
        ])
      })
    )

    // Builds of 2026-12-05 made the column in migration 1; for them migration 5 changes nothing.
    it.live("a database that already has the column keeps its attempts' URLs", () =>
      Effect.gen(function* () {
        const addColumn = Effect.flatMap(
          Effect.service(SqlClient.SqlClient),
          (sql) => sql`ALTER TABLE paymux_outbox_attempts ADD COLUMN url TEXT NOT NULL DEFAULT 'https://shop.example/recorded'`
        )
        expect(yield* attemptsAfterUpgrade(Effect.asVoid(addColumn))).toEqual([
          [1, "w-old", "https://shop.example/recorded"],
          [2, "w-new", "https://shop.example/now"]
        ])
      })
    )
  })

  describe("PostgresStore: driver failures", () => {
    it.live("connection refused is Unavailable (retryable)", () =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(
          Layer.build(
            PostgresStore.layer({ url: "postgres://postgres:postgres@127.0.0.1:1/none", connectTimeoutMillis: 2000, keyProvider: keys })
          ).pipe(Effect.scoped)
        )
        expect(reasonOf(exit)).toBe("Unavailable")
      })
    )

    it.live("a unique violation is Conflict, worded in domain terms without SQL", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        yield* merchants.create(F.merchant(1))
        const exit = yield* Effect.exit(merchants.create(F.merchant(1)))
        expect(reasonOf(exit)).toBe("Conflict")
        expect(messageOf(exit)).toBe("merchant imp00000001: a merchant with this code exists")
        const channels = yield* Repositories.ChannelRepository
        const a = yield* channels.create(F.channel(1, 1))
        const twin = yield* Effect.exit(channels.create({ ...F.channel(1, 2), mid: a.mid }))
        // It names the channel in the slot, not the key the refused create generated.
        expect(messageOf(twin)).toMatch(
          new RegExp(`^channel ${a.key}: imp00000001 already has this ${a.mode} ${a.pg} channel with MID ${a.mid} for `)
        )
        expect(messageOf(twin)).not.toMatch(/paymux_|constraint|duplicate key/)
      }).pipe(Effect.provide(fresh().layer))
    )

    // Regression: effect/sql reports the failed rollback of a transaction whose connection died
    // as a defect, and the transaction's own failure with it, so callers saw a bug (HTTP 500).
    it.live("a connection lost inside a transaction is Unavailable, nothing of it commits, and the store goes on", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const tx = yield* Transaction.Transaction
        const sql = yield* SqlClient.SqlClient
        const exit = yield* Effect.exit(
          tx.withTransaction(Effect.andThen(merchants.create(F.merchant(1)), sql`SELECT pg_terminate_backend(pg_backend_pid())`))
        )
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(reasonOf(yield* Effect.exit(merchants.get(F.merchantCode(1))))).toBe("NotFound")
        yield* merchants.create(F.merchant(1))
        expect((yield* merchants.get(F.merchantCode(1))).code).toBe(F.merchantCode(1))
      }).pipe(Effect.provide(fresh().layer))
    )

    // Regression (storage probe): a connection lost during COMMIT was reported as the retryable
    // Unavailable, though the server may have committed; a caller retrying a create could make it
    // twice. A deferred trigger ends the backend while COMMIT runs, so the loss falls exactly there.
    it.live("a connection lost while the transaction commits is OutcomeUnknown, not the retryable Unavailable", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const tx = yield* Transaction.Transaction
        const sql = yield* SqlClient.SqlClient
        yield* endBackendAtCommit(sql, "paymux_merchants")
        const exit = yield* Effect.exit(tx.withTransaction(merchants.create(F.merchant(1))))
        expect(reasonOf(exit)).toBe("OutcomeUnknown")
        expect(messageOf(exit)).toMatch(/^the connection to the store was lost while the change was being committed, so it may or may not/)
        expect(Exit.isFailure(exit) && exit.cause.reasons.every((r) => r._tag === "Fail")).toBe(true)
        yield* sql.unsafe("DROP TRIGGER end_backend_at_commit ON paymux_merchants")
        // Here the server ended the backend before the commit, so nothing was saved; the store goes on.
        expect(reasonOf(yield* Effect.exit(merchants.get(F.merchantCode(1))))).toBe("NotFound")
        yield* merchants.create(F.merchant(1))
        // A connection lost before COMMIT stays Unavailable: nothing of the transaction can have committed.
        const before = yield* Effect.exit(
          tx.withTransaction(Effect.andThen(merchants.create(F.merchant(2)), sql`SELECT pg_terminate_backend(pg_backend_pid())`))
        )
        expect(reasonOf(before)).toBe("Unavailable")
      }).pipe(Effect.provide(fresh().layer))
    )

    // Review: an enqueue outside a unit of work was one statement, so a connection lost as it
    // committed read as the retryable Unavailable, and a retry queued the notification twice.
    it.live("an enqueue outside a unit of work whose COMMIT loses its connection is OutcomeUnknown", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const outbox = yield* Outbox.Outbox
        const sql = yield* SqlClient.SqlClient
        yield* merchants.create(F.merchant(1))
        yield* endBackendAtCommit(sql, "paymux_outbox")
        const delivery = {
          merchant: F.merchantCode(1),
          mode: "test",
          url: "https://hooks.example/paid",
          eventType: "Transaction.Paid",
          payload: "{}"
        } as const
        const exit = yield* Effect.exit(outbox.enqueue(delivery, 1_000))
        expect(reasonOf(exit)).toBe("OutcomeUnknown")
        yield* sql.unsafe("DROP TRIGGER end_backend_at_commit ON paymux_outbox")
        expect((yield* outbox.enqueue(delivery, 1_000)).status).toBe("pending")
      }).pipe(Effect.provide(fresh().layer))
    )

    // Regression (storage probe): a write waited for as long as another session held the lock (a
    // stopped `keys reseal`, an operator's open transaction); `serve` stopped answering meanwhile.
    it.live("a unit of work waits for another session's lock at most lockTimeoutMillis, then is Unavailable", () => {
      const layer = PostgresStore.layer({ url, schema: freshSchema(), lockTimeoutMillis: 300, keyProvider: keys })
      return Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const tx = yield* Transaction.Transaction
        // A unit of work that holds the store's transaction lock, as a stopped process would.
        const holding = yield* Effect.forkChild(tx.withTransaction(Effect.sleep("3 seconds")))
        yield* Effect.sleep("200 millis")
        const started = Date.now()
        const exit = yield* Effect.exit(tx.withTransaction(merchants.create(F.merchant(1))))
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(messageOf(exit)).toContain("canceling statement due to lock timeout")
        expect(Date.now() - started).toBeLessThan(2_500)
        yield* Fiber.interrupt(holding)
      }).pipe(Effect.provide(layer))
    })

    it.live("a schema that is not a plain SQL name, or a negative lock timeout, is InvalidInput, not a defect", () =>
      Effect.gen(function* () {
        const exit = yield* Effect.exit(
          Layer.build(PostgresStore.layer({ url, schema: "Bad-Schema", keyProvider: keys })).pipe(Effect.scoped)
        )
        expect(reasonOf(exit)).toBe("InvalidInput")
        expect(messageOf(exit)).toContain('"Bad-Schema"')
        const negative = yield* Effect.exit(
          Layer.build(PostgresStore.layer({ url, lockTimeoutMillis: -1, keyProvider: keys })).pipe(Effect.scoped)
        )
        expect(reasonOf(negative)).toBe("InvalidInput")
      })
    )

    // Regression: a password the server refuses was Unavailable, which callers retry forever.
    it.live("a refused password is Misconfigured (not retryable), naming the URL and never the password", () =>
      Effect.gen(function* () {
        const wrong = new URL(url)
        wrong.password = "paymux-wrong-password"
        const exit = yield* Effect.exit(Layer.build(PostgresStore.layer({ url: wrong.href, keyProvider: keys })).pipe(Effect.scoped))
        expect(reasonOf(exit)).toBe("Misconfigured")
        expect(messageOf(exit)).toMatch(/^url: the database server refused the user or password/)
        expect(messageOf(exit)).not.toContain("paymux-wrong-password")
      })
    )

    it.live("a database that does not exist is Unavailable with a message naming it (SQLSTATE 3D000)", () =>
      Effect.gen(function* () {
        const missing = url.replace(/\/[^/?]*(\?.*)?$/, "/paymux_no_such_database$1")
        const exit = yield* Effect.exit(Layer.build(PostgresStore.layer({ url: missing, keyProvider: keys })).pipe(Effect.scoped))
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(messageOf(exit)).toContain(`database "paymux_no_such_database" does not exist`)
        expect(messageOf(exit)).toContain("create it")
        expect(messageOf(exit)).not.toContain("postgres:postgres")
      })
    )

    // Regression: NUL in text reached PostgreSQL, which refuses it (22021); that surfaced as a
    // retryable Unavailable (HTTP 503) although retrying can never succeed.
    it.live("NUL in a text value is InvalidInput (not retryable), for writes and for filters", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        yield* merchants.create(F.merchant(1))
        const audit = yield* AuditLog.AuditLog
        const write = yield* Effect.exit(
          audit.append({ id: "a\u0000b", merchant: "imp00000001", actor: "t", action: "x", target: "y", before: null, after: null, at: 1 })
        )
        expect(reasonOf(write)).toBe("InvalidInput")
        expect(Exit.isFailure(write) && (write.cause.reasons[0] as any).error.retryable).toBe(false)
        expect(messageOf(write)).toContain("NUL")
        const filter = yield* Effect.exit(audit.list("imp00000001", { action: "\u0000" }))
        expect(reasonOf(filter)).toBe("InvalidInput")
      }).pipe(Effect.provide(fresh().layer))
    )

    // Differential probe 2026-12: a version past the INTEGER column (2^31 - 1) was a retryable
    // Unavailable ("Query failed"), which every retry met again.
    it.live("a number beyond its column is InvalidInput (not retryable)", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        const exit = yield* Effect.exit(merchants.create({ ...F.merchant(1), version: 2 ** 31 }))
        expect(reasonOf(exit)).toBe("InvalidInput")
        expect(Exit.isFailure(exit) && (exit.cause.reasons[0] as any).error.retryable).toBe(false)
        expect(yield* merchants.list()).toEqual([])
      }).pipe(Effect.provide(fresh().layer))
    )

    it.live("a serialization failure is Unavailable (retryable)", () => {
      // One connection, whose transactions are REPEATABLE READ: a port transaction begins with its
      // advisory lock, so it cannot set its own isolation level first.
      const { layer, schema } = fresh(1)
      return Effect.gen(function* () {
        yield* (yield* Repositories.MerchantRepository).create(F.merchant(1))
        const sql = yield* SqlClient.SqlClient
        yield* sql`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ`
        const tx = yield* Transaction.Transaction
        // A second client, so its write is outside our transaction.
        const other = Effect.gen(function* () {
          const sql2 = yield* SqlClient.SqlClient
          yield* sql2`UPDATE paymux_merchants SET name = 'Other'`
        }).pipe(Effect.provide(PostgresStore.layerClient({ url, schema })))
        const exit = yield* Effect.exit(
          tx.withTransaction(
            Effect.gen(function* () {
              yield* sql`SELECT name FROM paymux_merchants`
              yield* other
              yield* sql`UPDATE paymux_merchants SET name = 'Mine'`
            })
          )
        )
        expect(reasonOf(exit)).toBe("Unavailable")
        expect(Exit.isFailure(exit) && JSON.stringify((exit.cause.reasons[0] as any).error.reason)).toContain("SerializationError")
      }).pipe(Effect.provide(layer))
    })

    it.live("a row that does not decode is Corrupt", () =>
      Effect.gen(function* () {
        const merchants = yield* Repositories.MerchantRepository
        yield* merchants.create(F.merchant(1))
        const sql = yield* SqlClient.SqlClient
        yield* sql`UPDATE paymux_merchants SET policy = 'sometimes'`
        expect(reasonOf(yield* Effect.exit(merchants.get(F.merchantCode(1))))).toBe("Corrupt")
      }).pipe(Effect.provide(fresh().layer))
    )
  })
}
