/**
 * Webhook management: the readiness line (virtual-account and subscription channels need a URL),
 * each mode's content type and endpoints with "Send test", the signing secret shown once, and the
 * delivery log.
 */
import { useState } from "react"
import { useT } from "../i18n/i18n.tsx"
import type { Mode } from "../model.ts"
import { useSession } from "../session.tsx"
import { DeliveryLog } from "./DeliveryLog.tsx"
import { CopyButton, ProblemNote, useLoad } from "./ui.tsx"
import { WebhookMode } from "./WebhookMode.tsx"

const modes: ReadonlyArray<Mode> = ["test", "live"]

export const Webhooks = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const loaded = useLoad(async () => {
    const [settings, readiness, history] = await Promise.all([
      run((c) => c.webhooks.show({ params: { merchant } })),
      run((c) => c.webhooks.readiness({ params: { merchant } })),
      run((c) => c.webhooks.history({ params: { merchant }, query: { limit: 20 } }))
    ])
    return { settings, readiness, history }
  }, merchant)
  const [newSecret, setNewSecret] = useState<string | undefined>(undefined)
  if (loaded.data === undefined) return loaded.problem ? <ProblemNote problem={loaded.problem} /> : <p>{t("common.loading")}</p>
  const { settings, readiness, history } = loaded.data

  return (
    <section aria-labelledby="wh-title">
      <h2 id="wh-title">{t("wh.title")}</h2>
      <p className={readiness.length === 0 ? "ready" : "warning"} role="status">
        {readiness.length === 0
          ? t("wh.ready")
          : readiness.map((r) => t("wh.needsUrl", { mode: t(`mode.${r.mode}`), n: r.channels.length, reason: r.reason })).join(" ")}
      </p>
      {newSecret === undefined ? null : (
        <div className="secret-once" role="status">
          <p>{t("wh.secretOnce")}</p>
          <code className="secret" data-secret>
            {newSecret}
          </code>
          <CopyButton text={newSecret} />
          <button type="button" onClick={() => setNewSecret(undefined)}>
            {t("keys.saved")}
          </button>
        </div>
      )}
      {modes.map((mode) => (
        <WebhookMode key={`${merchant}:${mode}`} mode={mode} settings={settings[mode]} onSaved={loaded.reload} onSecret={setNewSecret} />
      ))}
      <DeliveryLog history={history} onChanged={loaded.reload} />
    </section>
  )
}
