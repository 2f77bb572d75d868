/**
 * The security whitelist editor. Each rule is checked as it is typed by `@paymux/whitelist`
 * itself, in the browser (the same refusal and suggestion the server gives); the aggregated list
 * is previewed before saving, and a change that would shut out the address this page is using
 * is called out and saved only once confirmed. A list longer than the server stores is refused
 * here, before anything is sent.
 */
import { WhitelistRules } from "@paymux/domain"
import { Cidr, CidrList, Whitelist } from "@paymux/whitelist"
import { useRef, useState } from "react"
import { flushSync } from "react-dom"
import { useT } from "../i18n/i18n.tsx"
import { useSession } from "../session.tsx"
import { BusyButton, ConfirmDialog, LoadState, ProblemNote, useLoad, useSave, useUnsavedEdits } from "./ui.tsx"

/** A rule's refusal as the engine words it, or undefined when the rule is a valid block. */
const refusalOf = (rule: string): { readonly reason: string; readonly suggestion?: string | undefined } | undefined => {
  try {
    Cidr.parseSync(rule)
    return undefined
  } catch (error) {
    if (error instanceof Cidr.InvalidCidr) return { reason: error.reason, suggestion: error.suggestion }
    throw error
  }
}

export const WhitelistEditor = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const [rules, setRules] = useState<ReadonlyArray<string> | undefined>(undefined)
  const [denyByDefault, setDenyByDefault] = useState(false)
  // The version of the list the rules were read at: a save from an older copy is refused (409),
  // instead of dropping a rule added elsewhere since or bringing back one removed since.
  const [version, setVersion] = useState<number | undefined>(undefined)
  // What the merchant had typed when a save was refused that way: shown to make the change again.
  const [unsaved, setUnsaved] = useState<ReadonlyArray<string> | undefined>(undefined)
  // The list as stored, when it was loaded or last saved: rules that differ from it are unsaved.
  const [stored, setStored] = useState<{ readonly rules: ReadonlyArray<string>; readonly denyByDefault: boolean } | undefined>(undefined)
  const list = useRef<HTMLOListElement>(null)
  const addRule = useRef<HTMLButtonElement>(null)
  const loaded = useLoad(
    async () => {
      const [view, caller] = await Promise.all([
        run((c) => c.whitelist.show({ params: { merchant } })),
        run((c) => c.whitelist.caller({ params: { merchant } }))
      ])
      return { view, caller: caller.ip }
    },
    merchant,
    ({ view }) => {
      setRules(view.rules.length === 0 ? [""] : view.rules)
      setDenyByDefault(view.denyByDefault)
      setVersion(view.version)
      setStored(view)
    }
  )
  const { busy, problem, save } = useSave()
  const [saved, setSaved] = useState(false)
  const [confirmLockOut, setConfirmLockOut] = useState(false)
  const entered = (rules ?? []).map((r) => r.trim()).filter((r) => r !== "")
  useUnsavedEdits(
    stored !== undefined &&
      (denyByDefault !== stored.denyByDefault || entered.length !== stored.rules.length || entered.some((r, i) => r !== stored.rules[i]))
  )
  if (rules === undefined || loaded.data === undefined) return <LoadState loaded={loaded} />

  const refusals = rules.map((r) => (r.trim() === "" ? undefined : refusalOf(r.trim())))
  const valid = refusals.every((r) => r === undefined)
  const preview = valid ? CidrList.aggregateSync(entered) : undefined
  // The server counts the list as stored (aggregated), as the preview shows it.
  const tooMany = preview !== undefined && preview.length > WhitelistRules.maxRules
  const caller = loaded.data.caller
  const enforced = entered.length > 0 || denyByDefault
  const locksOut = valid && enforced && (caller === null || !Whitelist.compileSync(entered).allows(caller))
  const store = async () => {
    const view = await save(
      () =>
        run((c) =>
          c.whitelist.set({
            params: { merchant },
            payload: { rules: entered, denyByDefault, ...(version === undefined ? {} : { version }) }
          })
        ),
      () => {
        setUnsaved(entered)
        loaded.reload()
      }
    )
    if (view !== undefined) {
      setRules(view.rules.length === 0 ? [""] : view.rules)
      setVersion(view.version)
      setStored(view)
      setUnsaved(undefined)
      setSaved(true)
    }
  }
  const edit = (next: ReadonlyArray<string>) => {
    setSaved(false)
    setRules(next)
  }
  /** Removes rule `i`; focus goes to the rule now in its place (or the last, or "Add a rule"), not to <body>. */
  const removeRule = (i: number) => {
    flushSync(() => edit(rules.filter((_, j) => j !== i)))
    const inputs = list.current?.querySelectorAll("input") ?? []
    ;(inputs[Math.min(i, inputs.length - 1)] ?? addRule.current)?.focus()
  }

  return (
    <section aria-labelledby="wl-title">
      <h2 id="wl-title">{t("wl.title")}</h2>
      <p>{t("wl.intro")}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          if (locksOut) setConfirmLockOut(true)
          else void store()
        }}
      >
        {/* Read-only while a save is on its way: its answer replaces the rules, and would drop an edit made meanwhile. */}
        <ol className="rules" ref={list}>
          {rules.map((rule, i) => {
            const refusal = refusals[i]
            const id = `wl-rule-${i}`
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place by position
              <li key={i}>
                <input
                  id={id}
                  aria-label={t("wl.rule", { n: i + 1 })}
                  aria-invalid={refusal !== undefined}
                  aria-describedby={refusal === undefined ? undefined : `${id}-error`}
                  value={rule}
                  placeholder="203.0.113.0/24"
                  readOnly={busy}
                  onChange={(e) => edit(rules.map((r, j) => (j === i ? e.target.value : r)))}
                />
                <BusyButton className="quiet" busy={busy} aria-label={t("wl.removeRule", { n: i + 1 })} onClick={() => removeRule(i)}>
                  ×
                </BusyButton>
                {refusal === undefined ? null : (
                  <p id={`${id}-error`} className="refusal">
                    {refusal.reason}
                    {refusal.suggestion === undefined ? null : `; ${refusal.suggestion}`}
                  </p>
                )}
              </li>
            )
          })}
        </ol>
        <BusyButton ref={addRule} className="quiet" busy={busy} onClick={() => edit([...rules, ""])}>
          {t("wl.addRule")}
        </BusyButton>
        <label className="check">
          <input
            type="checkbox"
            checked={denyByDefault}
            aria-readonly={busy || undefined}
            onChange={(e) => {
              if (busy) return
              setSaved(false)
              setDenyByDefault(e.target.checked)
            }}
          />
          {t("wl.denyByDefault")}
        </label>
        <div className="preview" aria-live="polite">
          <h3>{t("wl.preview")}</h3>
          {preview === undefined ? (
            <p>{t("wl.fixFirst")}</p>
          ) : preview.length === 0 ? (
            <p>{enforced ? t("wl.nobody") : t("wl.everyone")}</p>
          ) : tooMany ? (
            <p id="wl-too-many" className="refusal">
              {t("wl.tooMany", { n: count(preview.length), max: count(WhitelistRules.maxRules) })}
            </p>
          ) : (
            <CodeList items={preview} />
          )}
          {locksOut ? (
            <p className="warning" role="alert">
              {caller === null ? t("wl.lockOutUnknown") : t("wl.lockOut", { ip: caller })}
            </p>
          ) : null}
          {caller === null ? null : <p className="muted">{t("wl.yourAddress", { ip: caller })}</p>}
        </div>
        <ProblemNote problem={problem} />
        {unsaved === undefined ? null : (
          <div className="unsaved">
            <p>{t("wl.unsaved")}</p>
            <CodeList items={unsaved} />
          </div>
        )}
        {saved ? <p role="status">{t("wl.saved")}</p> : null}
        <BusyButton type="submit" busy={busy} disabled={!valid || tooMany} aria-describedby={tooMany ? "wl-too-many" : undefined}>
          {t("common.save")}
        </BusyButton>
        <ConfirmDialog
          open={confirmLockOut}
          title={t("wl.lockOutTitle")}
          detail={t("wl.lockOutDetail", { ip: caller ?? "?", merchant })}
          confirm={t("wl.lockOutConfirm")}
          onCancel={() => setConfirmLockOut(false)}
          onConfirm={() => {
            setConfirmLockOut(false)
            void store()
          }}
        />
      </form>
    </section>
  )
}

/** A count as people write it (1,001). */
const count = (n: number): string => n.toLocaleString("en")

/** CIDR blocks, one a line, as code. */
const CodeList = ({ items }: { readonly items: ReadonlyArray<string> }) => (
  <ul>
    {items.map((item) => (
      <li key={item}>
        <code>{item}</code>
      </li>
    ))}
  </ul>
)
