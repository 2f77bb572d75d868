/**
 * Integration test management: a card per PG in test mode with the shared test MID and what else
 * the catalog knows, the `request_pay` snippet to copy, and, for PGs whose test MID comes from
 * the PG (Naver Pay, Toss, PayPal), an "Edit information" form that takes it (or edits the
 * card's channel once there is one). A card whose shared-MID channel exists offers to edit it, not
 * to add it again.
 */
import { PgCatalog } from "@paymux/domain"
import { useState } from "react"
import { payMethodName } from "../i18n/catalogTerms.ts"
import { useLang, useT } from "../i18n/i18n.tsx"
import { type Channel, type Pg, requestPaySnippet } from "../model.ts"
import { useSession } from "../session.tsx"
import { ChannelEditor } from "./ChannelForm.tsx"
import { useModeChannels } from "./useModeChannels.ts"
import { BusyButton, CopyButton, Dialog, LoadState, ProblemNote, Scroll, useOpenFor, useSave } from "./ui.tsx"

export const TestCards = () => {
  const t = useT()
  const loaded = useModeChannels("test")
  const [filter, setFilter] = useState("")
  // The PG whose information is edited, and its channel when the card already has one.
  const editing = useOpenFor<{ readonly pg: Pg; readonly channelKey?: string }>()
  if (loaded.data === undefined) return <LoadState loaded={loaded} />
  const open = editing.open
  const { catalog, channels } = loaded.data
  const needle = filter.trim().toLowerCase()
  const shown = catalog.filter(
    (p) => p.test.kind !== "unavailable" && (needle === "" || `${p.code} ${p.displayName} ${p.localName}`.toLowerCase().includes(needle))
  )
  return (
    <section aria-labelledby="test-title">
      <h2 id="test-title">{t("test.title")}</h2>
      <label>
        {t("test.filter")}
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {shown.length === 0 ? <p role="status">{t("test.noMatch", { filter: filter.trim() })}</p> : null}
      <div className="cards">
        {shown.map((pg) => {
          const own = channels.filter((c) => c.pg === pg.code)
          return (
            <TestCard
              key={pg.code}
              pg={pg}
              channels={own}
              onEdit={(channel) => editing.show(channel === undefined ? { pg } : { pg, channelKey: channel.key })}
              onChanged={loaded.reload}
            />
          )
        })}
      </div>
      <Dialog title={t("test.editTitle", { pg: open?.pg.displayName ?? "" })} open={open !== undefined} onClose={editing.close}>
        {open === undefined ? null : (
          <ChannelEditor
            catalog={catalog}
            mode="test"
            pg={open.pg.code}
            channelKey={open.channelKey}
            onSaved={() => {
              editing.closeIf(open)
              loaded.reload()
            }}
          />
        )}
      </Dialog>
    </section>
  )
}

const TestCard = ({
  pg,
  channels,
  onEdit,
  onChanged
}: {
  readonly pg: Pg
  readonly channels: ReadonlyArray<Channel>
  /** Opens "Edit information" on `channel`, or to add the card's first channel. */
  readonly onEdit: (channel: Channel | undefined) => void
  readonly onChanged: () => void
}) => {
  const t = useT()
  const lang = useLang()
  const { run, session } = useSession()
  const { busy, problem, save } = useSave()
  const types = PgCatalog.paymentTypesOf(pg)
  const first = channels[0]
  // The pay method is one the channel takes, or else one the PG's catalog offers (PayPal: paypal).
  const snippet = requestPaySnippet(
    pg.code,
    first?.mid ?? (types[0] === undefined ? undefined : PgCatalog.sharedTestMid(pg, types[0])),
    first?.payMethods[0] ?? (types[0] === undefined ? undefined : PgCatalog.payMethodsOf(pg, types[0])[0])
  )
  // What "Add a test channel with the shared MID" adds: the first payment type, its first pay
  // method, on the shared MID for them. A channel already in that slot (mode, PG, MID, type) would
  // refuse the add (409): the card offers to edit that channel instead.
  const sharedType = pg.test.kind === "shared" ? types[0] : undefined
  const sharedMethods = sharedType === undefined ? [] : PgCatalog.payMethodsOf(pg, sharedType).slice(0, 1)
  const sharedMid = sharedType === undefined ? undefined : PgCatalog.sharedTestMid(pg, sharedType, sharedMethods)
  const onShared = channels.find((c) => c.paymentType === sharedType && c.mid === sharedMid)
  const headingId = `test-${pg.code}`
  return (
    <article className="card" aria-labelledby={headingId} data-pg={pg.code}>
      <h3 id={headingId}>
        {pg.displayName} <span className="muted">{pg.localName}</span>
      </h3>
      {pg.test.kind === "shared" ? (
        <dl>
          {types.map((type) => (
            <div key={type}>
              <dt>{t(`type.${type}`)}</dt>
              <dd>
                {PgCatalog.sharedTestMid(pg, type) === undefined ? (
                  (PgCatalog.untestedReason(pg, type) ?? t("test.noShared"))
                ) : (
                  <>
                    <code>{PgCatalog.sharedTestMid(pg, type)}</code>{" "}
                    <span className="muted">
                      {PgCatalog.payMethodsOf(pg, type)
                        .map((m) => payMethodName(lang, m))
                        .join(", ")}
                    </span>
                  </>
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p>
          <span className="tag">{t("test.pgProvided")}</span> {pg.test.note}
        </p>
      )}
      {pg.testNotes === undefined ? null : (
        <ul className="notes">
          {pg.testNotes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <p>{channels.length === 0 ? t("test.noChannel") : t("test.channels", { n: channels.length })}</p>
      <figure>
        <figcaption className="muted">{t("test.snippet")}</figcaption>
        {/* A long MID makes it scroll: a box a keyboard can reach. */}
        <Scroll label={t("test.snippetOf", { pg: pg.displayName })}>
          <pre>
            <code>{snippet}</code>
          </pre>
        </Scroll>
      </figure>
      <div className="card-actions">
        <CopyButton text={snippet} label={t("test.copySnippet")} />
        {sharedType === undefined || sharedMid === undefined ? null : onShared !== undefined ? (
          <button type="button" onClick={() => onEdit(onShared)}>
            {t("test.editShared")}
          </button>
        ) : (
          <BusyButton
            busy={busy}
            onClick={async () => {
              const added = await save(() =>
                run((c) =>
                  c.channels.add({
                    params: { merchant: session.merchant },
                    payload: { mode: "test", pg: pg.code, paymentType: sharedType, payMethods: sharedMethods }
                  })
                )
              )
              if (added !== undefined) onChanged()
            }}
          >
            {t("test.useShared")}
          </BusyButton>
        )}
        {pg.test.kind === "pg-provided" ? (
          <button type="button" onClick={() => onEdit(channels[0])}>
            {t("test.editInformation")}
          </button>
        ) : null}
      </div>
      <ProblemNote problem={problem} />
    </article>
  )
}
