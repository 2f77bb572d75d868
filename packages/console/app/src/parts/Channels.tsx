/**
 * Payment integration management: the merchant's channels (add, view, edit, enable or disable,
 * make default, assign to a sub-merchant, remove) and its sub-merchants (add, rename, delete) with the
 * channels each may use. The list's render is timed (`channels:render`) for the budget test.
 *
 * A merchant may have a thousand channels: each row renders its buttons only, and the table has
 * one confirmation dialog and one "Assign to" select, for the row that asks for it.
 */
import { Fragment, useLayoutEffect, useRef, useState } from "react"
import { flushSync } from "react-dom"
import type { Problem } from "../api.ts"
import { payMethodName } from "../i18n/catalogTerms.ts"
import { useLang, useT } from "../i18n/i18n.tsx"
import type { Channel, Merchant, Pg, SubMerchant } from "../model.ts"
import { useSession } from "../session.tsx"
import { ChannelEditor } from "./ChannelForm.tsx"
import {
  BusyButton,
  ConfirmButton,
  ConfirmDialog,
  Dialog,
  LoadState,
  ProblemNote,
  Scroll,
  useLoad,
  useOpenFor,
  useSave,
  useUnsavedEdits
} from "./ui.tsx"

interface Data {
  readonly merchant: Merchant
  readonly channels: ReadonlyArray<Channel>
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly catalog: ReadonlyArray<Pg>
}

type Call = Parameters<ReturnType<typeof useSession>["run"]>[0]

/** A refused row action: the channel it was about, and why. */
interface Refusal {
  readonly channel: Channel
  readonly problem: Problem
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
  // Each opening is its own object: a save answering late closes only the dialog it came from.
  const adding = useOpenFor<object>()
  const editing = useOpenFor<{ readonly key: string }>()
  const [scope, setScope] = useState("")
  const action = useSave()
  const [actedOn, setActedOn] = useState<Channel | undefined>(undefined)
  const data = loaded.data

  /**
   * Runs a row's action. Reloaded after a refusal too: after a version conflict the table shows
   * what is stored now, and the next action uses its current version.
   */
  const act = async (channel: Channel, use: Call) => {
    setActedOn(channel)
    await action.save(() => run(use))
    loaded.reload()
  }

  if (data === undefined) return <LoadState loaded={loaded} />
  const tier = data.subMerchants.find((s) => s.tier === scope)
  const shown = tier === undefined ? data.channels : data.channels.filter((c) => tier.channels.includes(c.key))
  const isDefault = (c: Channel) => data.merchant.defaultChannels[c.mode] === c.key
  const open = { adding: adding.open, editing: editing.open }
  const refusal = action.problem === undefined || actedOn === undefined ? undefined : { channel: actedOn, problem: action.problem }
  // A refusal shows under its row; one about a channel no longer in the table shows above it.
  const refusedElsewhere = refusal !== undefined && !shown.some((c) => c.key === refusal.channel.key)

  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title" tabIndex={-1}>
        {t("channels.title")}
      </h2>
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
        <button type="button" onClick={() => adding.show({})}>
          {t("channels.add")}
        </button>
      </div>
      {refusedElsewhere ? <RefusalNote refusal={refusal} /> : null}
      <ChannelTable
        channels={shown}
        isDefault={isDefault}
        tier={tier}
        subMerchants={data.subMerchants}
        refusal={refusal}
        busy={action.busy}
        onEdit={(c) => editing.show({ key: c.key })}
        onAct={act}
      />
      <Dialog title={t("channels.add")} open={open.adding !== undefined} onClose={adding.close}>
        <ChannelEditor
          catalog={data.catalog}
          onSaved={() => {
            if (open.adding !== undefined) adding.closeIf(open.adding)
            loaded.reload()
          }}
        />
      </Dialog>
      <Dialog
        title={t("channels.edit")}
        open={open.editing !== undefined}
        onClose={() => {
          // Closed without saving (after a conflict, say): show what is stored now.
          editing.close()
          loaded.reload()
        }}
      >
        {open.editing === undefined ? null : (
          <ChannelEditor
            catalog={data.catalog}
            channelKey={open.editing.key}
            onSaved={() => {
              if (open.editing !== undefined) editing.closeIf(open.editing)
              loaded.reload()
            }}
          />
        )}
      </Dialog>
      <SubMerchants subMerchants={data.subMerchants} onChanged={loaded.reload} />
    </section>
  )
}

/** Why an action on a channel was refused, naming the channel. */
const RefusalNote = ({ refusal }: { readonly refusal: Refusal }) => {
  const t = useT()
  return <ProblemNote about={t("channels.refused", { name: refusal.channel.name })} problem={refusal.problem} />
}

const columns = 8

const ChannelTable = ({
  channels,
  isDefault,
  tier,
  subMerchants,
  refusal,
  busy,
  onEdit,
  onAct
}: {
  readonly channels: ReadonlyArray<Channel>
  readonly isDefault: (c: Channel) => boolean
  readonly tier: SubMerchant | undefined
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly refusal: Refusal | undefined
  readonly busy: boolean
  readonly onEdit: (c: Channel) => void
  readonly onAct: (channel: Channel, use: Call) => void
}) => {
  const t = useT()
  const lang = useLang()
  const { session } = useSession()
  const merchant = session.merchant
  const table = useRef<HTMLTableElement>(null)
  // The one row whose removal is being confirmed, and the one row choosing a sub-merchant.
  const [removing, setRemoving] = useState<Channel | undefined>(undefined)
  const [assigning, setAssigning] = useState<string | undefined>(undefined)
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
              <Fragment key={c.key}>
                <tr data-channel={c.key}>
                  <th scope="row">
                    {c.name}
                    {isDefault(c) ? <span className="tag">{t("channels.default")}</span> : null}
                    {/* The key newer SDKs select the channel by, to copy from here or from its edit dialog. */}
                    <code className="channel-key">{c.key}</code>
                  </th>
                  <td>{c.pg}</td>
                  <td>
                    <code>{c.mid}</code>
                  </td>
                  <td>{t(`mode.${c.mode}`)}</td>
                  <td>{t(`type.${c.paymentType}`)}</td>
                  <td>{c.payMethods.map((m) => payMethodName(lang, m)).join(", ")}</td>
                  <td>{c.enabled ? t("channels.enabled") : t("channels.disabled")}</td>
                  <td className="actions">
                    <button type="button" className="quiet" onClick={() => onEdit(c)} aria-label={t("channels.editOne", { name: c.name })}>
                      {t("common.edit")}
                    </button>
                    <BusyButton
                      className="quiet"
                      busy={busy}
                      aria-label={t(c.enabled ? "channels.disableOne" : "channels.enableOne", { name: c.name })}
                      onClick={() => onAct(c, (api) => (c.enabled ? api.channels.disable({ params }) : api.channels.enable({ params })))}
                    >
                      {c.enabled ? t("channels.disable") : t("channels.enable")}
                    </BusyButton>
                    {isDefault(c) ? null : (
                      <BusyButton
                        className="quiet"
                        busy={busy}
                        aria-label={t("channels.setDefaultOne", { name: c.name })}
                        onClick={() => onAct(c, (api) => api.channels.setDefault({ params }))}
                      >
                        {t("channels.setDefault")}
                      </BusyButton>
                    )}
                    {tier !== undefined ? (
                      <BusyButton
                        className="quiet"
                        busy={busy}
                        aria-label={t("channels.unassignOne", { name: c.name })}
                        onClick={() => onAct(c, (api) => api.merchants.unassign({ params: { ...params, tier: tier.tier } }))}
                      >
                        {t("channels.unassign")}
                      </BusyButton>
                    ) : !subMerchants.some((s) => !s.channels.includes(c.key)) ? null : assigning === c.key ? (
                      // Only while a sub-merchant is left to assign it to: after the last, an empty select stayed.
                      <AssignTo channel={c} subMerchants={subMerchants} busy={busy} onAct={onAct} />
                    ) : (
                      <button
                        type="button"
                        className="quiet"
                        aria-label={t("channels.assignOpen", { name: c.name })}
                        onClick={() => {
                          flushSync(() => setAssigning(c.key))
                          table.current?.querySelector<HTMLElement>(`tr[data-channel="${CSS.escape(c.key)}"] select`)?.focus()
                        }}
                      >
                        {t("channels.assign")}
                      </button>
                    )}
                    <BusyButton
                      className="quiet danger"
                      busy={busy}
                      aria-label={t("channels.removeOne", { name: c.name })}
                      onClick={() => setRemoving(c)}
                    >
                      {t("channels.remove")}
                    </BusyButton>
                  </td>
                </tr>
                {refusal?.channel.key === c.key ? (
                  <tr className="refused">
                    <td colSpan={columns}>
                      <RefusalNote refusal={refusal} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            )
          })}
        </tbody>
      </table>
      <ConfirmDialog
        open={removing !== undefined}
        title={t("channels.removeTitle", { name: removing?.name ?? "" })}
        detail={t("channels.removeDetail")}
        confirm={t("channels.remove")}
        onCancel={() => setRemoving(undefined)}
        onConfirm={() => {
          setRemoving(undefined)
          if (removing !== undefined)
            onAct(removing, (api) =>
              api.channels.remove({ params: { merchant, channelKey: removing.key }, query: { version: removing.version } })
            )
        }}
      />
    </Scroll>
  )
}

/** The sub-merchants a channel is not assigned to yet, picked, then confirmed with the button. */
const AssignTo = ({
  channel,
  subMerchants,
  busy,
  onAct
}: {
  readonly channel: Channel
  readonly subMerchants: ReadonlyArray<SubMerchant>
  readonly busy: boolean
  readonly onAct: (channel: Channel, use: Call) => void
}) => {
  const t = useT()
  const { session } = useSession()
  // Picked, then confirmed with the button: a select that acted on change assigned the channel at
  // every arrow key a keyboard user pressed to look through the options.
  const [tier, setTier] = useState("")
  const open = subMerchants.filter((s) => !s.channels.includes(channel.key))
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
      {/* Waiting, not disabled, while none is picked: it was disabled as soon as it assigned, and focus fell to <body>. */}
      <BusyButton
        className="quiet"
        busy={busy || tier === ""}
        aria-label={t("channels.assignConfirm", { name: channel.name })}
        onClick={() => {
          setTier("")
          onAct(channel, (api) => api.merchants.assign({ params: { merchant: session.merchant, channelKey: channel.key, tier } }))
        }}
      >
        {t("channels.assignButton")}
      </BusyButton>
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
  // A name typed and not renamed to, or a sub-merchant typed and not created, is unsaved: leaving
  // the part asks first.
  useUnsavedEdits(tier.trim() !== "" || name.trim() !== "" || subMerchants.some((s) => (names[s.tier] ?? s.name) !== s.name))
  const done = <A,>(result: A | undefined) => {
    if (result !== undefined) onChanged()
    return result
  }
  // Renamed or deleted elsewhere since the list was read: refused (409), and the list reloaded so
  // that the next try works on what is stored; a typed name stays in its field.
  const rename = async (s: SubMerchant) =>
    done(
      await save(
        () =>
          run((c) =>
            c.merchants.renameSubMerchant({
              params: { merchant, tier: s.tier },
              payload: { name: names[s.tier] ?? s.name, version: s.version }
            })
          ),
        onChanged
      )
    )
  const remove = async (s: SubMerchant) =>
    done(
      await save(
        () =>
          run((c) => c.merchants.removeSubMerchant({ params: { merchant, tier: s.tier }, query: { version: s.version } })).then(() => true),
        onChanged
      )
    )
  return (
    <section aria-labelledby="subs-title">
      <h2 id="subs-title" tabIndex={-1}>
        {t("subs.title")}
      </h2>
      <ProblemNote problem={problem} />
      <ul className="subs">
        {subMerchants.map((s) => (
          <li key={s.tier}>
            {/* A form, so that Enter in the name renames. */}
            <form
              onSubmit={(e) => {
                e.preventDefault()
                if (!busy) void rename(s)
              }}
            >
              <code>{s.tier}</code>
              <input
                aria-label={t("subs.nameOf", { tier: s.tier })}
                value={names[s.tier] ?? s.name}
                onChange={(e) => setNames({ ...names, [s.tier]: e.target.value })}
              />
              <BusyButton type="submit" className="quiet" busy={busy}>
                {t("subs.rename")}
              </BusyButton>
              <ConfirmButton
                label={t("subs.delete")}
                ariaLabel={t("subs.deleteOne", { tier: s.tier })}
                title={t("subs.deleteTitle", { name: s.name === s.tier ? s.tier : `${s.name} (${s.tier})` })}
                detail={t("subs.deleteDetail")}
                busy={busy}
                onConfirm={() => void remove(s)}
              />
              <span className="muted">{t("subs.channels", { n: s.channels.length })}</span>
            </form>
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
        <BusyButton type="submit" busy={busy} onClick={clear}>
          {t("subs.add")}
        </BusyButton>
      </form>
    </section>
  )
}
