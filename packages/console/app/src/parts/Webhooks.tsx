/**
 * Webhook management: the readiness line (virtual-account and subscription channels need a URL),
 * each mode's content type, endpoints with "Send test" and signing secrets (each new one shown once,
 * in its mode), and the delivery log.
 */
import { useT } from "../i18n/i18n.tsx"
import type { Mode } from "../model.ts"
import { useSession } from "../session.tsx"
import { DeliveryLog, deliveryPage } from "./DeliveryLog.tsx"
import { LoadState, useLoad } from "./ui.tsx"
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
      run((c) => c.webhooks.history({ params: { merchant }, query: { limit: deliveryPage } }))
    ])
    return { settings, readiness, history }
  }, merchant)
  if (loaded.data === undefined) return <LoadState loaded={loaded} />
  const { settings, readiness, history } = loaded.data

  return (
    <section aria-labelledby="wh-title">
      <h2 id="wh-title">{t("wh.title")}</h2>
      <p className={readiness.length === 0 ? "ready" : "warning"} role="status">
        {readiness.length === 0
          ? t("wh.ready")
          : readiness.map((r) => t("wh.needsUrl", { mode: t(`mode.${r.mode}`), n: r.channels.length })).join(" ")}
      </p>
      {modes.map((mode) => (
        <WebhookMode
          key={`${merchant}:${mode}`}
          mode={mode}
          settings={settings[mode]}
          activeSecrets={settings.activeSecrets[mode]}
          onSaved={loaded.reload}
        />
      ))}
      <DeliveryLog history={history} onChanged={loaded.reload} />
    </section>
  )
}
