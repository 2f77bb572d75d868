/**
 * One mode's webhooks: its content type and URL, its endpoints (event filter, edited in place;
 * health, enable, remove, "Send test" in V1 or V2 with what the receiver answered), adding an
 * endpoint, and its signing secrets (a new one shown once, here, until acknowledged; rotate, then
 * retire the old one or, when the new one was lost, cancel the rotation).
 */
import { useRef, useState } from "react"
import { flushSync } from "react-dom"
import { EndpointHealth } from "@paymux/domain"
import type { Models } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import type { Mode } from "../model.ts"
import { useSession } from "../session.tsx"
import {
  BusyButton,
  ConfirmButton,
  ConfirmDialog,
  ProblemNote,
  Scroll,
  SecretOnce,
  useSave,
  useSecretRequest,
  useUnsavedEdits
} from "./ui.tsx"

type Settings = typeof Models.WebhookSettingsView.Type
type ModeSettings = Settings["test"]
type ContentType = ModeSettings["contentType"]
type Endpoint = ModeSettings["endpoints"][number]
type TestSend = typeof Models.TestSendView.Type

/** A time the page shows, in UTC to the minute. */
export const timeOf = (millis: number): string => `${new Date(millis).toISOString().slice(0, 16).replace("T", " ")} UTC`

/** The event types typed as a list (commas or spaces); none typed: every event. */
const eventsOf = (typed: string): ReadonlyArray<string> | undefined => {
  const events = typed.split(/[\s,]+/).filter((e) => e !== "")
  return events.length === 0 ? undefined : events
}

const Health = ({ endpoint }: { readonly endpoint: Endpoint }) => {
  const t = useT()
  if (endpoint.disabledAt !== null)
    return (
      <span className="warning">{t("wh.disabledAt", { when: timeOf(endpoint.disabledAt), days: EndpointHealth.disableAfterDays })}</span>
    )
  if (endpoint.failingSince !== null)
    return <span className="warning">{t("wh.failingSince", { when: timeOf(endpoint.failingSince), n: endpoint.consecutiveFailures })}</span>
  return <span className="ready">{t("wh.healthy")}</span>
}

export const WebhookMode = ({
  mode,
  settings,
  activeSecrets,
  onSaved
}: {
  readonly mode: Mode
  readonly settings: ModeSettings
  /** How many signing secrets sign this mode's messages (two during a rotation). */
  readonly activeSecrets: number
  readonly onSaved: () => void
}) => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const modeName = t(`mode.${mode}`)
  const single = settings.endpoints.length <= 1
  const savedUrl = settings.endpoints[0]?.url ?? ""
  const [url, setUrl] = useState(savedUrl)
  // A URL saved elsewhere (an endpoint added or removed) replaces what the field shows; a failed
  // save reloads nothing, so what was typed stays.
  const [shownUrl, setShownUrl] = useState(savedUrl)
  if (shownUrl !== savedUrl) {
    setShownUrl(savedUrl)
    setUrl(savedUrl)
  }
  // The content type, likewise: what is stored replaces what the select shows, and only a change
  // the merchant made is sent (a URL change reset a content type changed elsewhere).
  const [contentType, setContentType] = useState<ContentType>(settings.contentType)
  const [shownType, setShownType] = useState(settings.contentType)
  if (shownType !== settings.contentType) {
    setShownType(settings.contentType)
    setContentType(settings.contentType)
  }
  const [tested, setTested] = useState<TestSend | undefined>(undefined)
  const [newUrl, setNewUrl] = useState("")
  const [newEvents, setNewEvents] = useState("")
  // The endpoint whose event filter is being edited, and what is typed for it.
  const [editing, setEditing] = useState<{ readonly id: string; readonly events: string } | undefined>(undefined)
  // New signing secrets not yet acknowledged, oldest first: a second one never hides the first.
  const [secrets, setSecrets] = useState<ReadonlyArray<string>>([])
  const onSecret = (secret: string) => setSecrets((shown) => [...shown, secret])
  // Clearing the URL removes every endpoint of the mode: asked first.
  const [confirmClear, setConfirmClear] = useState(false)
  // Each form shows its own problem where it happened.
  const main = useSave()
  const endpoints = useSave()
  const adding = useSave()
  const signing = useSave()
  // A mode's first URL or endpoint answers with its first signing secret, as a rotation does.
  const makesSecret = activeSecrets === 0
  const secretRequest = useSecretRequest()
  // Where focus goes back to when an endpoint's event editor closes (it was inside the editor).
  const table = useRef<HTMLTableSectionElement>(null)
  // Unsaved, so leaving the part asks first: a URL or content type other than the stored one, an
  // event filter other than its endpoint's, or an endpoint typed and not added.
  const filtered = settings.endpoints.find((endpoint) => endpoint.id === editing?.id)
  useUnsavedEdits(
    (single && url.trim() !== savedUrl) ||
      newUrl.trim() !== "" ||
      newEvents.trim() !== "" ||
      contentType !== settings.contentType ||
      (editing !== undefined && filtered !== undefined && (eventsOf(editing.events) ?? []).join(" ") !== (filtered.events ?? []).join(" "))
  )

  const saveMode = async (confirmed: boolean) => {
    const typed = url.trim()
    // The URL goes along only when it changed: a mode with several endpoints has no single URL.
    const change = single && typed !== savedUrl ? { url: typed === "" ? null : typed } : {}
    if (change.url === null && !confirmed) {
      setConfirmClear(true)
      return
    }
    const payload = { ...change, ...(contentType === settings.contentType ? {} : { contentType }) }
    const request = () => run((c) => c.webhooks.set({ params: { merchant, mode }, payload }))
    const result = await main.save(() => (makesSecret && typeof change.url === "string" ? secretRequest(request) : request()))
    if (result?.newSecret !== undefined) onSecret(result.newSecret)
    // After a refusal too (it stays in view): the page may be out of date, another tab having added
    // an endpoint so that the mode has no single URL, and shows what is stored now.
    onSaved()
  }

  const rotateSecret = async () => {
    const rotated = await signing.save(() => secretRequest(() => run((c) => c.webhooks.rotateSecret({ params: { merchant, mode } }))))
    if (rotated === undefined) return
    onSecret(rotated.secret)
    onSaved()
  }

  /** Ends a rotation: `retireSecret` drops the older secret, `cancelSecretRotation` the newer. */
  const endRotation = async (how: "retireSecret" | "cancelSecretRotation") => {
    if ((await signing.save(() => run((c) => c.webhooks[how]({ params: { merchant, mode } })).then(() => true))) === true) onSaved()
  }

  const addEndpoint = async () => {
    const events = eventsOf(newEvents)
    const payload = { url: newUrl.trim(), ...(events === undefined ? {} : { events }) }
    const request = () => run((c) => c.webhooks.addEndpoint({ params: { merchant, mode }, payload }))
    const result = await adding.save(() => (makesSecret ? secretRequest(request) : request()))
    if (result === undefined) return
    if (result.newSecret !== undefined) onSecret(result.newSecret)
    setNewUrl("")
    setNewEvents("")
    onSaved()
  }

  /** Runs an endpoint's action; true when it was saved (its problem shows otherwise). */
  const onEndpoint = async (action: () => Promise<unknown>): Promise<boolean> => {
    const saved = (await endpoints.save(action)) !== undefined
    if (saved) onSaved()
    return saved
  }

  // The event editor takes the place of its "Edit events" button: focus moves between the two
  // (it fell to <body> when either left the page).
  const focusIn = (endpointId: string, selector: string) =>
    table.current?.querySelector<HTMLElement>(`tr[data-endpoint="${CSS.escape(endpointId)}"] ${selector}`)?.focus()
  const openEditor = (endpoint: Endpoint) => {
    flushSync(() => setEditing({ id: endpoint.id, events: endpoint.events?.join(", ") ?? "" }))
    focusIn(endpoint.id, "input")
  }
  const closeEditor = (endpointId: string) => {
    flushSync(() => setEditing(undefined))
    focusIn(endpointId, "[data-edit-events]")
  }

  const saveEvents = async (endpointId: string, typed: string) => {
    const params = { merchant, mode, endpointId }
    const payload = { events: eventsOf(typed) ?? null }
    if (await onEndpoint(() => run((c) => c.webhooks.updateEndpoint({ params, payload })))) closeEditor(endpointId)
  }

  const sendTest = async (endpoint: Endpoint) => {
    // The last answer goes first: a send that fails must not leave it standing as if it were this one's.
    setTested(undefined)
    // A test carries what the mode sends (V1 form fields or a V2 JSON event): no other format is accepted.
    const query = { endpoint: endpoint.id }
    const sent = await endpoints.save(() => run((c) => c.webhooks.test({ params: { merchant, mode }, query })))
    if (sent === undefined) return
    setTested(sent)
    onSaved()
  }

  return (
    <section className="webhook-mode" aria-labelledby={`wh-${mode}`}>
      <h3 id={`wh-${mode}`} tabIndex={-1}>
        {t("wh.modeTitle", { mode: modeName })}
      </h3>
      {secrets.map((secret) => (
        <SecretOnce
          key={secret}
          message={t("wh.secretOnce", { mode: modeName })}
          secret={secret}
          onSaved={() => setSecrets((shown) => shown.filter((s) => s !== secret))}
        />
      ))}
      <form
        className="inline"
        aria-label={t("wh.urlOf", { mode: modeName })}
        onSubmit={(e) => {
          e.preventDefault()
          void saveMode(false)
        }}
      >
        {single ? (
          <label>
            {t("wh.urlOf", { mode: modeName })}
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />
          </label>
        ) : null}
        <label>
          {t("wh.contentTypeOf", { mode: modeName })}
          <select value={contentType} onChange={(e) => setContentType(e.target.value as ContentType)}>
            <option value="json">application/json</option>
            <option value="form">application/x-www-form-urlencoded</option>
          </select>
        </label>
        <BusyButton type="submit" busy={main.busy} onClick={main.clear}>
          {t("common.save")}
        </BusyButton>
      </form>
      <ProblemNote problem={main.problem} />
      <ConfirmDialog
        open={confirmClear}
        title={t("wh.clearTitle", { mode: modeName })}
        detail={t("wh.clearDetail", { n: settings.endpoints.length })}
        confirm={t("wh.clear")}
        onCancel={() => setConfirmClear(false)}
        onConfirm={() => {
          setConfirmClear(false)
          void saveMode(true)
        }}
      />
      {settings.endpoints.length === 0 ? (
        <p>{t("wh.noEndpoints")}</p>
      ) : (
        <Scroll label={t("wh.endpointsOf", { mode: modeName })}>
          <table className="endpoints">
            <caption>{t("wh.endpointsOf", { mode: modeName })}</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">{t("wh.events")}</th>
                <th scope="col">{t("wh.health")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody ref={table}>
              {settings.endpoints.map((endpoint) => {
                const params = { merchant, mode, endpointId: endpoint.id }
                const edited = editing?.id === endpoint.id ? editing : undefined
                return (
                  <tr key={endpoint.id} data-endpoint={endpoint.id}>
                    <td>
                      <code>{endpoint.url}</code>
                    </td>
                    <td>
                      {edited !== undefined ? (
                        <form
                          className="inline"
                          aria-label={t("wh.editEventsOf", { url: endpoint.url })}
                          onSubmit={(e) => {
                            e.preventDefault()
                            void saveEvents(endpoint.id, edited.events)
                          }}
                        >
                          <input
                            aria-label={t("wh.eventsOf", { url: endpoint.url })}
                            value={edited.events}
                            onChange={(e) => setEditing({ id: endpoint.id, events: e.target.value })}
                            onKeyDown={(e) => {
                              if (e.key === "Escape") closeEditor(endpoint.id)
                            }}
                            placeholder="Transaction.Paid"
                          />
                          <BusyButton type="submit" busy={endpoints.busy}>
                            {t("common.save")}
                          </BusyButton>
                          <button type="button" className="quiet" onClick={() => closeEditor(endpoint.id)}>
                            {t("common.cancel")}
                          </button>
                        </form>
                      ) : endpoint.events === undefined ? (
                        t("wh.allEvents")
                      ) : (
                        endpoint.events.join(", ")
                      )}
                    </td>
                    <td>
                      <Health endpoint={endpoint} />
                    </td>
                    <td className="actions">
                      <BusyButton
                        busy={endpoints.busy}
                        aria-label={t("wh.sendTestTo", { url: endpoint.url })}
                        onClick={() => void sendTest(endpoint)}
                      >
                        {t("wh.sendTest")}
                      </BusyButton>
                      {edited !== undefined ? null : (
                        <BusyButton
                          busy={endpoints.busy}
                          aria-label={t("wh.editEventsOf", { url: endpoint.url })}
                          data-edit-events
                          onClick={() => openEditor(endpoint)}
                        >
                          {t("wh.editEvents")}
                        </BusyButton>
                      )}
                      {endpoint.disabledAt === null ? null : (
                        <BusyButton
                          busy={endpoints.busy}
                          aria-label={t("wh.enableOf", { url: endpoint.url })}
                          onClick={() => void onEndpoint(() => run((c) => c.webhooks.enableEndpoint({ params })))}
                        >
                          {t("wh.enable")}
                        </BusyButton>
                      )}
                      <ConfirmButton
                        label={t("wh.remove")}
                        ariaLabel={t("wh.removeOf", { url: endpoint.url })}
                        title={t("wh.removeTitle", { url: endpoint.url })}
                        detail={t("wh.removeDetail")}
                        busy={endpoints.busy}
                        onConfirm={() => void onEndpoint(() => run((c) => c.webhooks.removeEndpoint({ params })))}
                      />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </Scroll>
      )}
      <ProblemNote problem={endpoints.problem} />
      {tested === undefined ? null : <TestResult tested={tested} />}
      <form
        className="inline"
        aria-label={t("wh.addOf", { mode: modeName })}
        onSubmit={(e) => {
          e.preventDefault()
          void addEndpoint()
        }}
      >
        <label>
          {t("wh.newUrlOf", { mode: modeName })}
          <input type="url" value={newUrl} onChange={(e) => setNewUrl(e.target.value)} placeholder="https://" />
        </label>
        <label>
          {t("wh.eventFilter")}
          <input value={newEvents} onChange={(e) => setNewEvents(e.target.value)} placeholder="Transaction.Paid" />
        </label>
        <BusyButton type="submit" busy={adding.busy} onClick={adding.clear}>
          {t("wh.add")}
        </BusyButton>
      </form>
      <ProblemNote problem={adding.problem} />
      {activeSecrets === 0 ? null : (
        <div className="card-actions">
          <ConfirmButton
            label={t("wh.rotate")}
            ariaLabel={t("wh.rotateOf", { mode: modeName })}
            title={t("wh.rotateTitle", { mode: modeName })}
            detail={t("wh.rotateDetail")}
            busy={signing.busy}
            onConfirm={() => void rotateSecret()}
          />
          {activeSecrets < 2 ? null : (
            <>
              <ConfirmButton
                label={t("wh.retire")}
                ariaLabel={t("wh.retireOf", { mode: modeName })}
                title={t("wh.retireTitle", { mode: modeName })}
                detail={t("wh.retireDetail")}
                busy={signing.busy}
                onConfirm={() => void endRotation("retireSecret")}
              />
              <ConfirmButton
                label={t("wh.cancelRotation")}
                ariaLabel={t("wh.cancelRotationOf", { mode: modeName })}
                title={t("wh.cancelRotationTitle", { mode: modeName })}
                detail={t("wh.cancelRotationDetail")}
                dismiss={t("wh.keepRotation")}
                busy={signing.busy}
                onConfirm={() => void endRotation("cancelSecretRotation")}
              />
            </>
          )}
        </div>
      )}
      <ProblemNote problem={signing.problem} />
    </section>
  )
}

/**
 * What a test send came to. Unless the receiver answered there is no answer to show, only the
 * reason: the URL was refused before sending (the SSRF guard) or the receiver could not be reached.
 */
const TestResult = ({ tested }: { readonly tested: TestSend }) => {
  const t = useT()
  const sent = t("wh.testSent", { format: tested.format.toUpperCase(), contentType: tested.contentType, url: tested.url })
  if (tested.outcome !== "answered") {
    const reason = tested.error ?? ""
    return (
      <div className="warning" role="status">
        <p>
          {tested.outcome === "refused" ? t("wh.testNotSent", { reason }) : t("wh.testNoAnswer", { reason })} {sent}
        </p>
      </div>
    )
  }
  return (
    <div className={tested.ok ? "ready" : "warning"} role="status">
      <p>
        {t("wh.testResult", { status: tested.httpStatus ?? "", ms: Math.round(tested.latencyMillis) })} {sent}
        {tested.error === null ? null : ` ${tested.error}`}
      </p>
      <p>
        {t("wh.receiverSaid")} <code>{tested.responseExcerpt}</code>
      </p>
    </div>
  )
}
