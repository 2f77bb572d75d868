// The module hooks registered by recordLoads.mjs; they run on the loader thread.
import { appendFileSync } from "node:fs"

let file

export const initialize = (data) => {
  file = data.file
}

export const load = (url, context, next) => {
  if (url.startsWith("file:")) appendFileSync(file, `${url}\n`)
  return next(url, context)
}
