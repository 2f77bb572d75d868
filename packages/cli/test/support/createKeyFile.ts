/**
 * A child process for the key-file race test: says "ready" once loaded, waits until the parent
 * creates the go file (so every racer's creation overlaps), then races to create the key file.
 */
import { existsSync } from "node:fs"
import { createExclusive } from "../../src/KeyFile.ts"

const [path, text, go] = process.argv.slice(2) as [string, string, string]
process.stdout.write("ready\n")
while (!existsSync(go)) {
  // spin: a timer would let the racers drift apart
}
process.stdout.write(JSON.stringify({ created: createExclusive(path, text) }))
