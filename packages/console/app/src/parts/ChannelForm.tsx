/**
 * Adding or editing a channel. The PG's credential fields come from the catalog with their labels,
 * required flags and format hints; secret fields are write-only: never filled from the server,
 * left blank to keep the stored value. An edit sends only what changed. A failed save keeps every
 * value typed; an edit refused because the channel was changed elsewhere reloads it and keeps
 * every change typed on top of it, to save again.
 */
import { PgCatalog } from "@paymux/domain"
import { useState } from "react"
import { catalogLabel, payMethodName } from "../i18n/catalogTerms.ts"
import { useLang, useT } from "../i18n/i18n.tsx"
import type { Channel, CredentialField, Mode, PaymentType, Pg, TaxType } from "../model.ts"
import { useSession } from "../session.tsx"
import { BusyButton, CopyButton, LoadState, ProblemNote, useLoad, useSave, useUnsavedEdits } from "./ui.tsx"

export interface ChannelFormProps {
  readonly catalog: ReadonlyArray<Pg>
  /** The channel to edit, as `GET` of one channel gives it (a list carries no credentials); absent to add one. */
  readonly channel?: Channel | undefined
  /** Fixes the mode (the test and live cards) or the PG and type (a live module's card). */
  readonly mode?: Mode
  readonly pg?: string
  readonly paymentType?: PaymentType
  readonly onSaved: (channel: Channel) => void
  /** Loads `channel` again, as stored now: an edit was refused (409), perhaps as changed elsewhere. */
  readonly onConflict?: (() => void) | undefined
}

/**
 * The one way every part edits a channel: it loads the channel whole first (its plain credentials
 * and which secrets are stored), then shows the form; without `channelKey` it adds one.
 */
export const ChannelEditor = ({
  channelKey,
  ...props
}: Omit<ChannelFormProps, "channel" | "onConflict"> & { readonly channelKey?: string | undefined }) => {
  const { run, session } = useSession()
  const full = useLoad(
    () =>
      channelKey === undefined
        ? Promise.resolve(undefined)
        : run((c) => c.channels.get({ params: { merchant: session.merchant, channelKey } })),
    channelKey ?? "new"
  )
  if (channelKey !== undefined && full.data === undefined) return <LoadState loaded={full} />
  return <ChannelForm {...props} channel={full.data} onConflict={full.reload} />
}

/** Whether a typed value is longer than its field allows (the input keeps all of it; the form refuses it). */
const tooLong = (field: CredentialField, value: string): boolean => field.maxLength !== undefined && value.length > field.maxLength

const sameMethods = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length === b.length && a.every((m) => b.includes(m))

/** The tax type of a stored channel, or the API's default for a new one. */
const taxTypeOf = (channel: Channel | undefined): TaxType => channel?.taxType ?? "taxable"

/** The MID field of a stored channel: its own MID, or empty on the shared test MID. */
const midOf = (channel: Channel | undefined): string => (channel?.credentialSource === "own" ? channel.mid : "")

/** The plain credential fields of a stored channel; secret fields always start empty. */
const plainCredentials = (pg: Pg | undefined, channel: Channel | undefined): Record<string, string> => {
  const plain: Record<string, string> = {}
  for (const field of pg?.credentialFields ?? [])
    if (!field.secret && channel?.credentials[field.name] !== undefined) plain[field.name] = channel.credentials[field.name]!
  return plain
}

export const ChannelForm = (props: ChannelFormProps) => {
  const t = useT()
  const lang = useLang()
  const { run, session } = useSession()
  const editing = props.channel
  const [mode, setMode] = useState<Mode>(editing?.mode ?? props.mode ?? "test")
  const [pgCode, setPgCode] = useState(editing?.pg ?? props.pg ?? props.catalog[0]?.code ?? "")
  const pg = props.catalog.find((p) => p.code === pgCode)
  const types = pg === undefined ? [] : PgCatalog.paymentTypesOf(pg)
  const [type, setType] = useState<PaymentType>(editing?.paymentType ?? props.paymentType ?? types[0] ?? "window.general")
  const [methods, setMethods] = useState<ReadonlyArray<string>>(editing?.payMethods ?? [])
  const [name, setName] = useState(editing?.name ?? "")
  const [mid, setMid] = useState(midOf(editing))
  const [taxType, setTaxType] = useState<TaxType>(taxTypeOf(editing))
  // Plain fields start from the stored values; secret fields always start empty.
  const [credentials, setCredentials] = useState<Record<string, string>>(() => plainCredentials(pg, editing))
  const { busy, problem, save, clear } = useSave()
  // The stored channel the values started from. Reloaded after a refused edit, it is replaced by
  // the channel as stored now: a value the merchant left as it was takes the stored one, and every
  // change they made (typed secrets included) stays on top, so that saving again applies it.
  const [base, setBase] = useState(editing)
  if (editing !== base) {
    setBase(editing)
    if (name === (base?.name ?? "")) setName(editing?.name ?? "")
    if (sameMethods(methods, base?.payMethods ?? [])) setMethods(editing?.payMethods ?? [])
    if (mid === midOf(base)) setMid(midOf(editing))
    if (taxType === taxTypeOf(base)) setTaxType(taxTypeOf(editing))
    const was = plainCredentials(pg, base)
    const now = plainCredentials(pg, editing)
    const kept = { ...credentials }
    for (const field of pg?.credentialFields ?? [])
      if (!field.secret && (credentials[field.name] ?? "") === (was[field.name] ?? "")) kept[field.name] = now[field.name] ?? ""
    setCredentials(kept)
  }
  // Unsaved while a value differs from the stored channel (or, adding, from the empty form): leaving
  // the part asks first. A secret field starts empty, so a typed secret is an edit.
  const [start] = useState({ mode, pgCode, type })
  const stored = plainCredentials(pg, editing)
  useUnsavedEdits(
    mode !== start.mode ||
      pgCode !== start.pgCode ||
      type !== start.type ||
      name !== (editing?.name ?? "") ||
      !sameMethods(methods, editing?.payMethods ?? []) ||
      mid !== midOf(editing) ||
      taxType !== taxTypeOf(editing) ||
      Object.keys({ ...stored, ...credentials }).some((field) => (credentials[field] ?? "") !== (stored[field] ?? ""))
  )
  // The channel as the form had it when an edit was refused (409). The reload brings a newer
  // version when it was changed elsewhere, and the note says so, naming it; a MID another channel
  // already has is refused with 409 too, and then the API's own words say why.
  const [refused, setRefused] = useState<Channel | undefined>(undefined)
  const changedElsewhere =
    problem?.reloaded === true && editing !== undefined && refused !== undefined && editing.version !== refused.version
  const conflict = !changedElsewhere
    ? undefined
    : editing.name === refused.name
      ? t("channel.changedElsewhere", { name: editing.name })
      : t("channel.renamedElsewhere", { name: refused.name, now: editing.name })
  const available = pg === undefined ? [] : PgCatalog.payMethodsOf(pg, type)
  // The merchant's own MID (every live channel, a test channel with a PG-issued MID) comes with
  // the PG's credential fields; the shared test MID needs none. A PG without a shared test
  // credential (Naver Pay, Toss, PayPal, ...) takes its own MID in test mode too (the form offered
  // a shared MID they do not have: console probe).
  const sharedTest = pg?.test.kind === "shared"
  const midRequired = mode === "live" || !sharedTest
  const ownMid = midRequired || mid !== ""
  const fields = ownMid ? (pg?.credentialFields ?? []) : []
  const id = (s: string) => `cf-${s}`

  /** Credentials to send: on an edit only changed plain values ("" deletes one) and typed secrets. */
  const changedCredentials = (): Record<string, string> => {
    const changed: Record<string, string> = {}
    for (const field of fields) {
      const typed = credentials[field.name] ?? ""
      const stored = field.secret ? "" : (editing?.credentials[field.name] ?? "")
      if (typed !== stored) changed[field.name] = typed
    }
    return changed
  }

  const editPayload = (channel: Channel) => {
    const changed = changedCredentials()
    // A cleared MID moves a test channel back onto the shared test MID (a live one requires it).
    const midChange = mid === "" ? (channel.credentialSource === "own" ? { mid: null } : {}) : mid === channel.mid ? {} : { mid }
    return {
      ...(name === channel.name ? {} : { name }),
      ...(sameMethods(methods, channel.payMethods) ? {} : { payMethods: methods }),
      ...midChange,
      ...(taxType === channel.taxType ? {} : { taxType }),
      ...(Object.keys(changed).length === 0 ? {} : { credentials: changed }),
      version: channel.version
    }
  }

  const submit = async () => {
    const long = fields.find((field) => tooLong(field, credentials[field.name] ?? ""))
    if (long !== undefined) {
      document.getElementById(id(long.name))?.focus()
      return
    }
    const filled = changedCredentials()
    const onConflict = props.onConflict
    const saved = await save(
      () =>
        editing === undefined
          ? run((c) =>
              c.channels.add({
                params: { merchant: session.merchant },
                payload: {
                  mode,
                  pg: pgCode,
                  paymentType: type,
                  payMethods: methods,
                  taxType,
                  ...(name === "" ? {} : { name }),
                  ...(mid === "" ? {} : { mid }),
                  ...(Object.keys(filled).length === 0 ? {} : { credentials: filled })
                }
              })
            )
          : run((c) => c.channels.edit({ params: { merchant: session.merchant, channelKey: editing.key }, payload: editPayload(editing) })),
      editing === undefined || onConflict === undefined
        ? undefined
        : () => {
            setRefused(editing)
            onConflict()
          }
    )
    if (saved !== undefined) props.onSaved(saved)
  }

  return (
    <form
      className="channel-form"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      {props.mode === undefined && editing === undefined ? (
        <label>
          {t("channel.mode")}
          <select value={mode} onChange={(e) => setMode(e.target.value === "live" ? "live" : "test")}>
            <option value="test">{t("mode.test")}</option>
            <option value="live">{t("mode.live")}</option>
          </select>
        </label>
      ) : null}
      {props.pg === undefined && editing === undefined ? (
        <label>
          {t("channel.pg")}
          <select
            value={pgCode}
            onChange={(e) => {
              setPgCode(e.target.value)
              const next = props.catalog.find((p) => p.code === e.target.value)
              setType((next && PgCatalog.paymentTypesOf(next)[0]) ?? "window.general")
              setMethods([])
            }}
          >
            {props.catalog.map((p) => (
              <option key={p.code} value={p.code}>
                {p.displayName} ({p.code})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p className="fixed">
          {pg?.displayName ?? pgCode} · {t(`type.${type}`)}
        </p>
      )}
      {editing === undefined ? null : (
        <>
          {/* Read-only, to select or copy: newer SDKs select the channel by it. */}
          <label htmlFor={id("channel-key")}>{t("channel.key")}</label>
          <div className="copyable">
            <input
              id={id("channel-key")}
              className="code"
              readOnly
              value={editing.key}
              onFocus={(e) => e.currentTarget.select()}
              aria-describedby={id("channel-key-hint")}
            />
            <CopyButton text={editing.key} />
          </div>
          <small id={id("channel-key-hint")}>{t("channel.keyHint")}</small>
        </>
      )}
      {props.paymentType === undefined && editing === undefined ? (
        <label>
          {t("channel.paymentType")}
          <select
            value={type}
            onChange={(e) => {
              setType(e.target.value as PaymentType)
              setMethods([])
            }}
          >
            {types.map((ty) => (
              <option key={ty} value={ty}>
                {t(`type.${ty}`)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {available.length > 0 ? (
        <fieldset>
          <legend>{t("channel.payMethods")}</legend>
          {available.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                checked={methods.includes(m)}
                onChange={(e) => setMethods(e.target.checked ? [...methods, m] : methods.filter((x) => x !== m))}
              />
              {payMethodName(lang, m)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label>
        {t("channel.name")}
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label htmlFor={id("mid")}>
        {catalogLabel(lang, pg?.mid.label ?? "MID")}
        {midRequired ? <span className="req"> *</span> : null}
      </label>
      <input id={id("mid")} value={mid} required={midRequired} onChange={(e) => setMid(e.target.value)} aria-describedby={id("mid-hint")} />
      <small id={id("mid-hint")}>
        {mode === "live"
          ? t("channel.midLiveHint")
          : !sharedTest
            ? t("channel.midTestOwnHint", { pg: pg?.displayName ?? pgCode })
            : editing?.credentialSource === "own"
              ? t("channel.midClearHint")
              : t("channel.midTestHint")}
      </small>
      {fields.map((field) => {
        const required = PgCatalog.isRequiredFor(field, type)
        const value = credentials[field.name] ?? ""
        const hint = [
          field.maxLength === undefined ? "" : t("channel.maxLength", { n: field.maxLength }),
          field.patternDescription === undefined ? "" : catalogLabel(lang, field.patternDescription)
        ]
          .filter(Boolean)
          .join("; ")
        const stored = editing?.credentials[field.name] !== undefined
        const long = tooLong(field, value)
        const described = [hint === "" ? "" : id(`${field.name}-hint`), long ? id(`${field.name}-error`) : ""].filter(Boolean).join(" ")
        return (
          <div key={field.name} className="cred">
            <label htmlFor={id(field.name)}>
              {catalogLabel(lang, field.label)}
              {required ? <span className="req"> *</span> : null}
              {field.secret ? <span className="tag">{t("channel.secret")}</span> : null}
            </label>
            {/* No maxLength: the browser would cut a pasted value silently; a longer one is refused below instead. */}
            <input
              id={id(field.name)}
              name={field.name}
              type={field.secret ? "password" : "text"}
              autoComplete={field.secret ? "new-password" : "off"}
              required={required && !(field.secret && stored)}
              aria-invalid={long}
              placeholder={field.secret && stored ? t("channel.secretKept") : ""}
              value={value}
              onChange={(e) => setCredentials({ ...credentials, [field.name]: e.target.value })}
              aria-describedby={described === "" ? undefined : described}
            />
            {hint === "" ? null : <small id={id(`${field.name}-hint`)}>{hint}</small>}
            {long ? (
              <p id={id(`${field.name}-error`)} className="refusal">
                {t("channel.tooLong", { n: field.maxLength ?? 0, m: value.length })}
              </p>
            ) : null}
          </div>
        )
      })}
      <label>
        {t("channel.taxType")}
        <select value={taxType} onChange={(e) => setTaxType(e.target.value === "tax-free" ? "tax-free" : "taxable")}>
          <option value="taxable">{t("channel.taxable")}</option>
          <option value="tax-free">{t("channel.tax-free")}</option>
        </select>
      </label>
      {/* Not "make your change again" (the generic words after a reload): what was typed is still here. */}
      <ProblemNote
        problem={problem?.reloaded === true && conflict === undefined ? { ...problem, reloaded: false } : problem}
        conflict={conflict}
      />
      {/* A click clears the last answer first: a submit the browser then blocks must not leave it standing. */}
      <BusyButton type="submit" busy={busy} onClick={clear}>
        {editing === undefined ? t("channel.add") : t("common.save")}
      </BusyButton>
    </form>
  )
}
