/**
 * Payment integration management: the merchant's channels (add, view, edit, enable or disable,
 * make default, assign to a sub-merchant, remove) and its sub-merchants (add, rename, delete) with the
 * channels each may use. The list's render is timed (`channels:render`) for the budget test.
 */
import { useLayoutEffect, useRef, useState } from "react"
import { useT } from "../i18n/i18n.tsx"
import type { Channel, Merchant, Pg, SubMerchant } from "../model.ts"
import { useSession } from "../session.tsx"
import { ChannelEditor } from "./ChannelForm.tsx"
import { ConfirmButton, Dialog, ProblemNote, Scroll, useLoad, useSave } from "./ui.tsx"

interface Data {
  readonly merchant: Merchant
  readonly channels: ReadonlyArray<Channel>
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly catalog: ReadonlyArray<Pg>
}

export const Channels = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const loaded = useLoad<Data>(
    async () => {
      const [m, channels, subMerchants, catalog] = await Promise.all([
        run((c) => c.merchants.get({ params: { merchant } })),
        run((c) => c.channels.list({ params: { merchant }, query: {} })),
        run((c) => c.merchants.listSubMerchants({ params: { merchant } })),
        run((c) => c.pg.list())
      ])
      return { merchant: m, channels, subMerchants, catalog }
    },
    merchant,
    () => performance.mark("channels:data")
  )
  const [adding, setAdding] = useState(false)
  const [editing, setEditing] = useState<string | undefined>(undefined)
  const [scope, setScope] = useState("")
  const action = useSave()
  const data = loaded.data

  // Reloaded after a refusal too: after a version conflict the table shows what is stored now, and
  // the next action uses its current version (it kept the stale one until the page was reloaded).
  const act = async (use: Parameters<typeof run>[0]) => {
    await action.save(() => run(use))
    loaded.reload()
  }

  if (data === undefined) return loaded.problem ? <ProblemNote problem={loaded.problem} /> : <p>{t("common.loading")}</p>
  const tier = data.subMerchants.find((s) => s.tier === scope)
  const shown = tier === undefined ? data.channels : data.channels.filter((c) => tier.channels.includes(c.key))
  const isDefault = (c: Channel) => data.merchant.defaultChannels[c.mode] === c.key

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">{t("channels.title")}</h2>
      <div className="toolbar">
        <label>
          {t("channels.scope")}
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="">{t("channels.scopeMerchant", { merchant })}</option>
            {data.subMerchants.map((s) => (
              <option key={s.tier} value={s.tier}>
                {s.name} ({s.tier})
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setAdding(true)}>
          {t("channels.add")}
        </button>
      </div>
      <ProblemNote problem={action.problem} />
      <ChannelTable
        channels={shown}
        isDefault={isDefault}
        tier={tier}
        subMerchants={data.subMerchants}
        onEdit={(c) => setEditing(c.key)}
        onAct={act}
      />
      <Dialog title={t("channels.add")} open={adding} onClose={() => setAdding(false)}>
        <ChannelEditor
          catalog={data.catalog}
          onSaved={() => {
            setAdding(false)
            loaded.reload()
          }}
        />
      </Dialog>
      <Dialog
        title={t("channels.edit")}
        open={editing !== undefined}
        onClose={() => {
          // Closed without saving (after a conflict, say): show what is stored now.
          setEditing(undefined)
          loaded.reload()
        }}
      >
        {editing === undefined ? null : (
          <ChannelEditor
            catalog={data.catalog}
            channelKey={editing}
            onSaved={() => {
              setEditing(undefined)
              loaded.reload()
            }}
          />
        )}
      </Dialog>
      <SubMerchants subMerchants={data.subMerchants} onChanged={loaded.reload} />
    </section>
  )
}

const ChannelTable = ({
  channels,
  isDefault,
  tier,
  subMerchants,
  onEdit,
  onAct
}: {
  readonly channels: ReadonlyArray<Channel>
  readonly isDefault: (c: Channel) => boolean
  readonly tier: SubMerchant | undefined
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly onEdit: (c: Channel) => void
  readonly onAct: (use: Parameters<ReturnType<typeof useSession>["run"]>[0]) => void
}) => {
  const t = useT()
  const { session } = useSession()
  const merchant = session.merchant
  const table = useRef<HTMLTableElement>(null)
  // Timed from the data's arrival to the table in the DOM and laid out (the 200-channel budget):
  // reading offsetHeight forces the layout the first paint would do.
  useLayoutEffect(() => {
    if (performance.getEntriesByName("channels:data").length === 0) return
    void table.current?.offsetHeight
    performance.mark("channels:rendered")
    performance.measure("channels:render", "channels:data", "channels:rendered")
    performance.clearMarks("channels:data")
  })
  if (channels.length === 0) return <p>{t("channels.none")}</p>
  return (
    <Scroll label={t("channels.count", { n: channels.length })}>
      <table className="channels" ref={table}>
        <caption>{t("channels.count", { n: channels.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("channel.name")}</th>
            <th scope="col">{t("channel.pg")}</th>
            <th scope="col">MID</th>
            <th scope="col">{t("channel.mode")}</th>
            <th scope="col">{t("channel.paymentType")}</th>
            <th scope="col">{t("channel.payMethods")}</th>
            <th scope="col">{t("channel.status")}</th>
            <th scope="col">{t("common.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((c) => {
            const params = { merchant, channelKey: c.key }
            return (
              <tr key={c.key} data-channel={c.key}>
                <th scope="row">
                  {c.name}
                  {isDefault(c) ? <span className="tag">{t("channels.default")}</span> : null}
                </th>
                <td>{c.pg}</td>
                <td>
                  <code>{c.mid}</code>
                </td>
                <td>{t(`mode.${c.mode}`)}</td>
                <td>{t(`type.${c.paymentType}`)}</td>
                <td>{c.payMethods.join(", ")}</td>
                <td>{c.enabled ? t("channels.enabled") : t("channels.disabled")}</td>
                <td className="actions">
                  <button type="button" className="quiet" onClick={() => onEdit(c)} aria-label={t("channels.editOne", { name: c.name })}>
                    {t("common.edit")}
                  </button>
                  <button
                    type="button"
                    className="quiet"
                    onClick={() => onAct((api) => (c.enabled ? api.channels.disable({ params }) : api.channels.enable({ params })))}
                  >
                    {c.enabled ? t("channels.disable") : t("channels.enable")}
                  </button>
                  {isDefault(c) ? null : (
                    <button type="button" className="quiet" onClick={() => onAct((api) => api.channels.setDefault({ params }))}>
                      {t("channels.setDefault")}
                    </button>
                  )}
                  {tier === undefined ? (
                    <AssignTo channel={c} subMerchants={subMerchants} onAct={onAct} />
                  ) : (
                    <button
                      type="button"
                      className="quiet"
                      onClick={() => onAct((api) => api.merchants.unassign({ params: { ...params, tier: tier.tier } }))}
                    >
                      {t("channels.unassign")}
                    </button>
                  )}
                  <ConfirmButton
                    label={t("channels.remove")}
                    ariaLabel={t("channels.removeOne", { name: c.name })}
                    title={t("channels.removeTitle", { name: c.name })}
                    detail={t("channels.removeDetail")}
                    onConfirm={() => onAct((api) => api.channels.remove({ params, query: { version: c.version } }))}
                  />
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </Scroll>
  )
}

const AssignTo = ({
  channel,
  subMerchants,
  onAct
}: {
  readonly channel: Channel
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly onAct: (use: Parameters<ReturnType<typeof useSession>["run"]>[0]) => void
}) => {
  const t = useT()
  const { session } = useSession()
  // Picked, then confirmed with the button: a select that acted on change assigned the channel at
  // every arrow key a keyboard user pressed to look through the options.
  const [tier, setTier] = useState("")
  const open = subMerchants.filter((s) => !s.channels.includes(channel.key))
  if (open.length === 0) return null
  return (
    <>
      <select aria-label={t("channels.assignTo", { name: channel.name })} value={tier} onChange={(e) => setTier(e.target.value)}>
        <option value="">{t("channels.assign")}</option>
        {open.map((s) => (
          <option key={s.tier} value={s.tier}>
            {s.name} ({s.tier})
          </option>
        ))}
      </select>
      <button
        type="button"
        className="quiet"
        disabled={tier === ""}
        aria-label={t("channels.assignConfirm", { name: channel.name })}
        onClick={() => {
          setTier("")
          onAct((api) => api.merchants.assign({ params: { merchant: session.merchant, channelKey: channel.key, tier } }))
        }}
      >
        {t("channels.assignButton")}
      </button>
    </>
  )
}

const SubMerchants = ({
  subMerchants,
  onChanged
}: {
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly onChanged: () => void
}) => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const [tier, setTier] = useState("")
  const [name, setName] = useState("")
  const [names, setNames] = useState<Record<string, string>>({})
  const { busy, problem, save, clear } = useSave()
  const done = <A,>(result: A | undefined) => {
    if (result !== undefined) onChanged()
    return result
  }
  return (
    <section aria-labelledby="subs-title">
      <h2 id="subs-title">{t("subs.title")}</h2>
      <ProblemNote problem={problem} />
      <ul className="subs">
        {subMerchants.map((s) => (
          <li key={s.tier}>
            <code>{s.tier}</code>
            <input
              aria-label={t("subs.nameOf", { tier: s.tier })}
              value={names[s.tier] ?? s.name}
              onChange={(e) => setNames({ ...names, [s.tier]: e.target.value })}
            />
            <button
              type="button"
              className="quiet"
              disabled={busy}
              onClick={async () =>
                done(
                  await save(() =>
                    run((c) =>
                      c.merchants.renameSubMerchant({
                        params: { merchant, tier: s.tier },
                        payload: { name: names[s.tier] ?? s.name, version: s.version }
                      })
                    )
                  )
                )
              }
            >
              {t("subs.rename")}
            </button>
            <ConfirmButton
              label={t("subs.delete")}
              ariaLabel={t("subs.deleteOne", { tier: s.tier })}
              title={t("subs.deleteTitle", { name: s.name === s.tier ? s.tier : `${s.name} (${s.tier})` })}
              detail={t("subs.deleteDetail")}
              disabled={busy}
              onConfirm={async () =>
                done(
                  await save(() =>
                    run((c) => c.merchants.removeSubMerchant({ params: { merchant, tier: s.tier }, query: {} })).then(() => true)
                  )
                )
              }
            />
            <span className="muted">{t("subs.channels", { n: s.channels.length })}</span>
          </li>
        ))}
      </ul>
      <form
        className="inline"
        onSubmit={async (e) => {
          e.preventDefault()
          const created = done(
            await save(() =>
              run((c) => c.merchants.createSubMerchant({ params: { merchant }, payload: { tier, ...(name === "" ? {} : { name }) } }))
            )
          )
          if (created !== undefined) {
            setTier("")
            setName("")
          }
        }}
      >
        <label>
          {t("subs.tier")}
          <input value={tier} onChange={(e) => setTier(e.target.value)} required maxLength={3} />
        </label>
        <label>
          {t("subs.name")}
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button type="submit" disabled={busy} onClick={clear}>
          {t("subs.add")}
        </button>
      </form>
    </section>
  )
}
