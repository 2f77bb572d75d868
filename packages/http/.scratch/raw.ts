import { createServer } from "node:http"
import { Worker } from "node:worker_threads"
const mode = process.argv[2] ?? "raw"
const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const body = Buffer.from(JSON.stringify({ ok: true, n: Buffer.concat(chunks).length, pad: "x".repeat(300) }))
    if (mode === "raw") { res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) }); res.end(body) }
    else { res.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) }); res.write(body); res.end() }
  })
})
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r))
const port = (server.address() as any).port
const payload = JSON.stringify({ mode: "test", pg: "kcp", payMethod: "card" })
const loadScript = `
const { parentPort, workerData } = require("node:worker_threads")
const { Agent, request } = require("node:http")
const { url, payload, seconds, concurrency } = workerData
const target = new URL(url)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const once = () => new Promise((resolve, reject) => {
  const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } }, (res) => {
    res.resume(); res.on("end", () => resolve(res.statusCode)) })
  req.on("error", reject); req.end(payload)
})
;(async () => {
  let count = 0
  const started = performance.now(); const until = started + seconds * 1000
  await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < until) { await once(); count++ } }))
  agent.destroy(); parentPort.postMessage({ rate: count / ((performance.now() - started) / 1000) })
})()`
const w = new Worker(loadScript, { eval: true, workerData: { url: `http://127.0.0.1:${port}/x`, payload, seconds: 3, concurrency: 32 } })
w.once("message", (m) => { console.log(mode, m); void w.terminate(); server.close(); server.closeAllConnections() })
