const N = 20000
const raw = ["Host", "127.0.0.1:1234", "Content-Type", "application/json", "Content-Length", "43", "Authorization", "Bearer ak_abcdefabcdefabcdefabcdef.sk_abcdefabcdefabcdefabcdefabcdefabcdefabcdefabc", "Connection", "keep-alive"]
const body = Buffer.from(JSON.stringify({ mode: "test", pg: "kcp", payMethod: "card" }))
const time = async (name: string, f: () => unknown) => {
  for (let i = 0; i < 2000; i++) await f()
  const t = performance.now()
  for (let i = 0; i < N; i++) await f()
  console.log(name.padEnd(40), ((performance.now() - t) * 1000 / N).toFixed(2), "µs")
}
const hdrs = () => { const h = new Headers(); for (let i = 0; i < raw.length; i += 2) h.append(raw[i]!, raw[i + 1]!); return h }
await time("headers append", hdrs)
await time("headers from array", () => { const a: [string,string][] = []; for (let i = 0; i < raw.length; i += 2) a.push([raw[i]!, raw[i + 1]!]); return new Headers(a) })
await time("Request no body", () => new Request("http://127.0.0.1/x", { method: "GET", headers: hdrs() }))
await time("Request body", () => new Request("http://127.0.0.1/x", { method: "POST", headers: hdrs(), body }))
await time("Request body + arrayBuffer", () => new Request("http://127.0.0.1/x", { method: "POST", headers: hdrs(), body }).arrayBuffer())
await time("Request body + signal", () => new Request("http://127.0.0.1/x", { method: "POST", headers: hdrs(), body }).signal)
const text = JSON.stringify({ channel: { key: "x".repeat(30), pg: "kcp", mid: "T0000", name: "KCP", payMethods: ["card"], enabled: true }, via: "pg" })
await time("Response text", () => new Response(text, { status: 200, headers: { "content-type": "application/json" } }))
await time("Response text + arrayBuffer", () => new Response(text, { status: 200, headers: { "content-type": "application/json" } }).arrayBuffer())
await time("Response text + text()", () => new Response(text, { status: 200, headers: { "content-type": "application/json" } }).text())
await time("Buffer.from(text)", () => Buffer.from(text))
