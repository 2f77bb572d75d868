/**
 * Live integration management: a card per module (PG × payment type), several MIDs per PG.
 * "Edit information" renders the credential fields the PG asks for; secrets are write-only.
 */
import { useT } from "../i18n/i18n.tsx"
import type { Channel, PaymentType, Pg } from "../model.ts"
import { ChannelEditor } from "./ChannelForm.tsx"
import { useModeChannels } from "./useModeChannels.ts"
import { Dialog, LoadState, useOpenFor } from "./ui.tsx"

type Editing = { readonly channel?: Channel; readonly pg?: string; readonly paymentType?: PaymentType }

export const LiveCards = () => {
  const t = useT()
  const loaded = useModeChannels("live")
  const editing = useOpenFor<Editing>()
  if (loaded.data === undefined) return <LoadState loaded={loaded} />
  const open = editing.open
  const { catalog, channels } = loaded.data
  const modules = new Map<string, Array<Channel>>()
  for (const c of channels) modules.set(`${c.pg}|${c.paymentType}`, [...(modules.get(`${c.pg}|${c.paymentType}`) ?? []), c])
  const pgOf = (code: string): Pg | undefined => catalog.find((p) => p.code === code)
  const moduleName = (pg: string, type: PaymentType): string => `${pgOf(pg)?.displayName ?? pg} ${t(`type.${type}`)}`
  // The dialog is titled as the action that opened it.
  const title =
    open?.channel !== undefined
      ? t("live.editOne", { name: open.channel.name })
      : open?.pg !== undefined && open.paymentType !== undefined
        ? t("live.addMidTitle", { module: moduleName(open.pg, open.paymentType) })
        : t("live.addModule")
  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">{t("live.title")}</h2>
      <button type="button" onClick={() => editing.show({})}>
        {t("live.addModule")}
      </button>
      {modules.size === 0 ? <p>{t("live.none")}</p> : null}
      <div className="cards">
        {[...modules].map(([id, list]) => {
          const first = list[0]!
          const pg = pgOf(first.pg)
          return (
            <article key={id} className="card" aria-label={moduleName(first.pg, first.paymentType)} data-module={id}>
              <h3>
                {pg?.displayName ?? first.pg} <span className="muted">{t(`type.${first.paymentType}`)}</span>
              </h3>
              <ul className="mids">
                {list.map((c) => (
                  <li key={c.key}>
                    <span>
                      {c.name} · <code>{c.mid}</code>
                    </span>
                    <button
                      type="button"
                      className="quiet"
                      onClick={() => editing.show({ channel: c })}
                      aria-label={t("live.editOne", { name: c.name })}
                    >
                      {t("test.editInformation")}
                    </button>
                  </li>
                ))}
              </ul>
              <button type="button" className="quiet" onClick={() => editing.show({ pg: first.pg, paymentType: first.paymentType })}>
                {t("live.addMid")}
              </button>
            </article>
          )
        })}
      </div>
      <Dialog title={title} open={open !== undefined} onClose={editing.close}>
        {open === undefined ? null : (
          <ChannelEditor
            catalog={catalog}
            mode="live"
            channelKey={open.channel?.key}
            {...(open.pg === undefined ? {} : { pg: open.pg })}
            {...(open.paymentType === undefined ? {} : { paymentType: open.paymentType })}
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
