// The suite itself is exercised in full by every adapter (packages/store/test runs it against
// Memory). Here: an adapter that declares no capability gets one passing "[...: not declared]"
// test per capability instead of silent skips.
import { Memory } from "@paymux/store"
import { StoreSuite } from "@paymux/store-testkit"

StoreSuite.suite("memory without capabilities", () => Memory.layer(), { only: ["concurrency", "atomicity", "outbox", "secrets"], numRuns: 5 })
