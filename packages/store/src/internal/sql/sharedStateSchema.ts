/**
 * The tables that let several processes on one database act as one: the change feed their caches
 * follow, and `Idempotency-Key` records. Kept apart from the other migrations' statements.
 */
export const sharedStateStatements = (big: string): ReadonlyArray<string> => [
  `CREATE TABLE paymux_change_counter (id INTEGER PRIMARY KEY, last_seq ${big} NOT NULL)`,
  `INSERT INTO paymux_change_counter (id, last_seq) VALUES (1, 0)`,
  `CREATE TABLE paymux_changes (seq ${big} PRIMARY KEY, topic TEXT NOT NULL, change_key TEXT NOT NULL)`,
  // state: running (lease_until bounds how long a dead process blocks the key), done or withheld.
  `CREATE TABLE paymux_idempotency (
    record_id TEXT PRIMARY KEY, merchant TEXT NOT NULL, body_hash TEXT NOT NULL, state TEXT NOT NULL,
    status INTEGER, headers TEXT, body TEXT, bytes ${big} NOT NULL, created_at ${big} NOT NULL,
    expires_at ${big} NOT NULL, lease_until ${big} NOT NULL)`,
  `CREATE INDEX paymux_idempotency_by_merchant ON paymux_idempotency (merchant, created_at)`
]

/**
 * What keeps `IdempotencyRecords.complete` from reading every record of the merchant: each
 * merchant's running byte total (kept by the statements that change a record's bytes, filled here
 * from the records already held), and an index that finds its expired records.
 */
export const idempotencyBudgetStatements = (big: string): ReadonlyArray<string> => [
  `CREATE TABLE paymux_idempotency_budget (merchant TEXT PRIMARY KEY, bytes ${big} NOT NULL)`,
  `INSERT INTO paymux_idempotency_budget (merchant, bytes)
    SELECT merchant, SUM(bytes) FROM paymux_idempotency GROUP BY merchant`,
  `CREATE INDEX paymux_idempotency_expiry ON paymux_idempotency (merchant, expires_at)`
]
