import { Outbox } from "../src/index.ts"
import { suite } from "./fixtures/outboxSuite.ts"

suite("memory", Outbox.layerMemory)
