import { Memory } from "@paymux/store"
import { StoreSuite } from "@paymux/store-testkit"

StoreSuite.suite("memory", () => Memory.layer(), {
  rawDump: Memory.MemoryInspector.use((inspector) => inspector.dump),
  faultInjection: { failNextWrite: Memory.MemoryInspector.use((inspector) => inspector.failNextWrite) }
})
