/**
 * The delivery log: the newest deliveries, each with its attempts and a resend, older ones a page
 * at a time, and "Resend failed since".
 */
import { useEffect, useState } from "react"
import type { Models } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import { useSession } from "../session.tsx"
import { BusyButton, ProblemNote, useSave } from "./ui.tsx"

type History = ReadonlyArray<typeof Models.DeliveryHistory.Type>
type ResendFailedResult = typeof Models.ResendFailedResult.Type

/** How many deliveries the log shows at first, and loads each time older ones are asked for. */
export const deliveryPage = 20

export const DeliveryLog = ({ history, onChanged }: { readonly history: History; readonly onChanged: () => void }) => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  // The pages after the first (`history`, which a reload replaces: then they start over), and
  // whether the last page was full, so that older ones may follow.
  const [older, setOlder] = useState<History>([])
  const [more, setMore] = useState(history.length === deliveryPage)
  useEffect(() => {
    setOlder([])
    setMore(history.length === deliveryPage)
  }, [history])
  const shown = [...history, ...older]
  const paging = useSave()
  const loadOlder = async () => {
    const last = shown.at(-1)
    if (last === undefined) return
    const query = { limit: deliveryPage, after: last.delivery.id }
    const page = await paging.save(() => run((c) => c.webhooks.history({ params: { merchant }, query })))
    if (page === undefined) return
    setOlder([...older, ...page])
    setMore(page.length === deliveryPage)
  }
  // A `datetime-local` value, read in the browser's time zone.
  const [since, setSince] = useState("")
  const [resent, setResent] = useState<ResendFailedResult | undefined>(undefined)
  const { busy, problem, save } = useSave()

  const resendFailed = async () => {
    const result = await save(() =>
      run((c) => c.webhooks.resendFailed({ params: { merchant }, payload: { since: new Date(since).getTime() } }))
    )
    if (result === undefined) return
    setResent(result)
    onChanged()
  }

  return (
    <section className="delivery-log" aria-labelledby="wh-log">
      <h3 id="wh-log">{t("wh.log")}</h3>
      <form
        className="inline"
        aria-label={t("wh.resendFailed")}
        onSubmit={(e) => {
          e.preventDefault()
          void resendFailed()
        }}
      >
        <label>
          {t("wh.failedSince")}
          <input type="datetime-local" required value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <BusyButton type="submit" busy={busy} disabled={since === ""}>
          {t("wh.resendFailed")}
        </BusyButton>
      </form>
      {resent === undefined ? null : <p role="status">{t("wh.resentFailed", { n: resent.queued.length, m: resent.alreadyHandled })}</p>}
      <ProblemNote problem={problem} />
      {/* `paymux serve` delivers nothing: without a worker a delivery reads "pending · 0 attempts" for good. */}
      {shown.some(({ delivery }) => delivery.status === "pending") ? <PendingNote /> : null}
      {shown.length === 0 ? (
        <p>{t("wh.noDeliveries")}</p>
      ) : (
        <ul className="deliveries">
          {shown.map(({ delivery, attempts }) => (
            <li key={delivery.id}>
              <details>
                <summary>
                  {delivery.eventType} · {t(`mode.${delivery.mode}`)} · {delivery.status} ·{" "}
                  {delivery.attempts === 1 ? t("wh.attempt") : t("wh.attempts", { n: delivery.attempts })} · <code>{delivery.url}</code>
                </summary>
                <ol>
                  {attempts.map((a) => (
                    <li key={a.number}>
                      {a.outcome} · {a.httpStatus ?? "—"} · {Math.round(a.latencyMillis)} ms {a.error ?? ""}
                    </li>
                  ))}
                </ol>
              </details>
              <BusyButton
                className="quiet"
                busy={busy}
                onClick={async () => {
                  if (
                    (await save(() => run((c) => c.webhooks.resend({ params: { merchant, deliveryId: delivery.id }, query: {} })))) !==
                    undefined
                  )
                    onChanged()
                }}
              >
                {t("wh.resend")}
              </BusyButton>
            </li>
          ))}
        </ul>
      )}
      {more ? (
        <BusyButton className="quiet" busy={paging.busy} onClick={loadOlder}>
          {t("wh.older", { n: deliveryPage })}
        </BusyButton>
      ) : null}
      <ProblemNote problem={paging.problem} />
    </section>
  )
}

/** Says who sends a pending delivery, the commands in code. */
const PendingNote = () => {
  const t = useT()
  const commands: Readonly<Record<string, string>> = { "{command}": "paymux webhook dispatch", "{serve}": "paymux serve" }
  return (
    <p className="note">
      {t("wh.pendingNote")
        .split(/(\{command\}|\{serve\})/)
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed sentence, never reordered
        .map((part, i) => (commands[part] === undefined ? part : <code key={i}>{commands[part]}</code>))}
    </p>
  )
}
