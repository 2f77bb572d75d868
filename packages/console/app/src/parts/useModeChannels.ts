/** The catalog and the merchant's channels of one mode: what the test and the live cards draw. */
import type { Mode } from "../model.ts"
import { useSession } from "../session.tsx"
import { useLoad } from "./ui.tsx"

export const useModeChannels = (mode: Mode) => {
  const { run, session } = useSession()
  const merchant = session.merchant
  return useLoad(async () => {
    const [catalog, channels] = await Promise.all([
      run((c) => c.pg.list()),
      run((c) => c.channels.list({ params: { merchant }, query: { mode } }))
    ])
    return { catalog, channels }
  }, `${merchant}:${mode}`)
}
