// `node --import ./recordLoads.mjs ...`: every module file the process loads is appended, as a
// file: URL on its own line, to the file named by PAYMUX_LOADS_FILE (see Startup.test.ts).
import { register } from "node:module"

register(new URL("./recordLoadsHooks.mjs", import.meta.url), { data: { file: process.env.PAYMUX_LOADS_FILE } })
