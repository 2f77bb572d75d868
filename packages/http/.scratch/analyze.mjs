import { readFileSync } from "node:fs"
const p = JSON.parse(readFileSync(process.argv[2], "utf8"))
const byId = new Map(p.nodes.map(n => [n.id, n]))
const self = new Map()
const dt = p.timeDeltas; let total = 0
const counts = new Map()
p.samples.forEach((id, i) => { counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)); total += dt[i] ?? 0 })
const fileSelf = new Map()
for (const [id, t] of counts) {
  const n = byId.get(id); const cf = n.callFrame
  const url = cf.url.replace(/.*node_modules\//, "nm/").replace(/.*\/packages\//, "pk/")
  const k = `${cf.functionName || "(anon)"} ${url}:${cf.lineNumber}`
  self.set(k, (self.get(k) ?? 0) + t)
  const f = url.split("/").slice(0, 4).join("/") || cf.functionName
  fileSelf.set(f, (fileSelf.get(f) ?? 0) + t)
}
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${(v / total * 100).toFixed(1).padStart(5)}% ${k}`).join("\n")
console.log("total ms", (total/1000).toFixed(0)); console.log(top(self, +(process.argv[3] ?? 40))); console.log("--- by file"); console.log(top(fileSelf, 30))
