/**
 * Webhook management: the URL per mode and the content type, "Send test" with what the receiver
 * answered, the readiness line (virtual-account and subscription channels need a URL), and the
 * delivery log with its attempts and resend.
 */
import { useState } from "react"
import type { Models } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import type { Mode } from "../model.ts"
import { useSession } from "../session.tsx"
import { CopyButton, ProblemNote, useLoad, useSave } from "./ui.tsx"

type Settings = typeof Models.WebhookSettingsView.Type
type ContentType = Settings["contentType"]
type TestSend = typeof Models.TestSendView.Type

const modes: ReadonlyArray<Mode> = ["test", "live"]

export const Webhooks = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const [urls, setUrls] = useState<Record<Mode, string>>({ test: "", live: "" })
  const [contentType, setContentType] = useState<ContentType | undefined>(undefined)
  const loaded = useLoad(
    async () => {
      const [settings, readiness, history] = await Promise.all([
        run((c) => c.webhooks.show({ params: { merchant } })),
        run((c) => c.webhooks.readiness({ params: { merchant } })),
        run((c) => c.webhooks.history({ params: { merchant }, query: { limit: 20 } }))
      ])
      return { settings, readiness, history }
    },
    merchant,
    ({ settings }) => {
      setUrls({ test: settings.urls.test ?? "", live: settings.urls.live ?? "" })
      setContentType(settings.contentType)
    }
  )
  const [newSecret, setNewSecret] = useState<string | undefined>(undefined)
  const [tests, setTests] = useState<Partial<Record<Mode, TestSend>>>({})
  const { busy, problem, save } = useSave()
  if (loaded.data === undefined || contentType === undefined)
    return loaded.problem ? <ProblemNote problem={loaded.problem} /> : <p>{t("common.loading")}</p>
  const { readiness, history } = loaded.data

  const saveMode = async (mode: Mode) => {
    const url = urls[mode].trim()
    const result = await save(() =>
      run((c) => c.webhooks.set({ params: { merchant, mode }, payload: { url: url === "" ? null : url, contentType } }))
    )
    if (result === undefined) return
    if (result.newSecret !== undefined) setNewSecret(result.newSecret)
    loaded.reload()
  }

  return (
    <section aria-labelledby="wh-title">
      <h2 id="wh-title">{t("wh.title")}</h2>
      <p className={readiness.length === 0 ? "ready" : "warning"} role="status">
        {readiness.length === 0
          ? t("wh.ready")
          : readiness.map((r) => t("wh.needsUrl", { mode: t(`mode.${r.mode}`), n: r.channels.length, reason: r.reason })).join(" ")}
      </p>
      <label>
        {t("wh.contentType")}
        <select value={contentType} onChange={(e) => setContentType(e.target.value as ContentType)}>
          <option value="json">application/json</option>
          <option value="form">application/x-www-form-urlencoded</option>
        </select>
      </label>
      <ProblemNote problem={problem} />
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
      {modes.map((mode) => {
        const result = tests[mode]
        return (
          <form
            key={mode}
            className="inline"
            aria-label={t("wh.urlOf", { mode: t(`mode.${mode}`) })}
            onSubmit={(e) => {
              e.preventDefault()
              void saveMode(mode)
            }}
          >
            <label>
              {t("wh.urlOf", { mode: t(`mode.${mode}`) })}
              <input type="url" value={urls[mode]} onChange={(e) => setUrls({ ...urls, [mode]: e.target.value })} placeholder="https://" />
            </label>
            <button type="submit" disabled={busy}>
              {t("common.save")}
            </button>
            <button
              type="button"
              disabled={busy || loaded.data?.settings.urls[mode] === undefined}
              onClick={async () => {
                const sent = await save(() => run((c) => c.webhooks.test({ params: { merchant, mode } })))
                if (sent !== undefined) {
                  setTests({ ...tests, [mode]: sent })
                  loaded.reload()
                }
              }}
            >
              {t("wh.sendTest")}
            </button>
            {result === undefined ? null : (
              <p className={result.ok ? "ready" : "warning"} role="status">
                {t("wh.testResult", {
                  status: result.httpStatus ?? "—",
                  ms: Math.round(result.latencyMillis)
                })}{" "}
                {result.error ?? ""} <code>{result.responseExcerpt}</code>
              </p>
            )}
          </form>
        )
      })}
      <h3>{t("wh.log")}</h3>
      {history.length === 0 ? (
        <p>{t("wh.noDeliveries")}</p>
      ) : (
        <ul className="deliveries">
          {history.map(({ delivery, attempts }) => (
            <li key={delivery.id}>
              <details>
                <summary>
                  {delivery.eventType} · {t(`mode.${delivery.mode}`)} · {delivery.status} · {t("wh.attempts", { n: delivery.attempts })}
                </summary>
                <ol>
                  {attempts.map((a) => (
                    <li key={a.number}>
                      {a.outcome} · {a.httpStatus ?? "—"} · {Math.round(a.latencyMillis)} ms {a.error ?? ""}
                    </li>
                  ))}
                </ol>
              </details>
              <button
                type="button"
                className="quiet"
                disabled={busy}
                onClick={async () => {
                  if ((await save(() => run((c) => c.webhooks.resend({ params: { merchant, deliveryId: delivery.id } })))) !== undefined)
                    loaded.reload()
                }}
              >
                {t("wh.resend")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
