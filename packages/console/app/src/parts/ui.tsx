/** Small building blocks every part of the page uses: loading data, showing a problem, a dialog. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react"
import { CallFailed, type Problem, problemOf } from "../api.ts"
import { useT } from "../i18n/i18n.tsx"
import { SessionContext } from "../session.tsx"

export interface Loaded<A> {
  readonly data: A | undefined
  readonly problem: Problem | undefined
  readonly reload: () => void
}

/** Loads once per `key` and again on `reload`; a failure is kept as a problem to show. */
export const useLoad = <A,>(load: () => Promise<A>, key: string, onData?: (data: A) => void): Loaded<A> => {
  const [data, setData] = useState<A | undefined>(undefined)
  const [problem, setProblem] = useState<Problem | undefined>(undefined)
  const [round, setRound] = useState(0)
  const latest = useRef({ load, onData })
  latest.current = { load, onData }
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when the key or the round changes, by design
  useEffect(() => {
    let live = true
    latest.current.load().then(
      (value) => {
        if (!live) return
        latest.current.onData?.(value)
        setData(value)
        setProblem(undefined)
      },
      (error: unknown) => live && setProblem(failure(error))
    )
    return () => {
      live = false
    }
  }, [key, round])
  return { data, problem, reload: useCallback(() => setRound((r) => r + 1), []) }
}

/** The problem of a rejected call. */
export const failure = (error: unknown): Problem => (error instanceof CallFailed ? error.problem : problemOf(error))

/**
 * A failure shown where it happened: the API's detail, the field, and what it suggests. A client
 * the whitelist shuts out is told how to get back in.
 */
export const ProblemNote = ({ problem }: { readonly problem: Problem | undefined }) => {
  const t = useT()
  const merchant = useContext(SessionContext)?.session.merchant
  if (problem === undefined) return null
  return (
    <div className="problem" role="alert">
      <p>
        {problem.detail}
        {problem.field === undefined ? null : <span className="field"> ({t("problem.field", { field: problem.field })})</span>}
      </p>
      {problem.code === "address-not-allowed" ? (
        <p>
          {t("problem.notAllowed", {
            // Signed out, the page does not know the merchant: the command says what to put there.
            merchant: merchant ?? t("problem.yourMerchant"),
            ip: problem.address ?? "ADDRESS"
          })}
        </p>
      ) : null}
      {problem.suggestions !== undefined && problem.suggestions.length > 0 ? (
        <p>{t("problem.didYouMean", { list: problem.suggestions.join(", ") })}</p>
      ) : null}
    </div>
  )
}

/**
 * A modal dialog on the native `<dialog>`: focus moves into it, Escape closes it and focus
 * returns to what opened it.
 */
export const Dialog = ({
  title,
  open,
  onClose,
  children
}: {
  readonly title: string
  readonly open: boolean
  readonly onClose: () => void
  readonly children: ReactNode
}) => {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (open && !dialog.open) {
      dialog.showModal()
      // showModal focuses the first control (the close button); a field marked for it is where to type.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus()
    }
    if (!open && dialog.open) dialog.close()
  }, [open])
  const t = useT()
  return (
    // Only a close the merchant made (Escape, ×) reports back; one that follows `open` going false does not.
    <dialog ref={ref} aria-label={title} onClose={() => open && onClose()}>
      {open ? (
        <>
          <header className="dialog-head">
            <h2>{title}</h2>
            <button type="button" className="quiet" onClick={onClose} aria-label={t("common.close")}>
              ×
            </button>
          </header>
          {children}
        </>
      ) : null}
    </dialog>
  )
}

/**
 * Asks before an action that cannot be undone (or that shuts something out): the question as the
 * dialog's title, what happens as its text, and the action's own verb on the button.
 */
export const ConfirmDialog = ({
  open,
  title,
  detail,
  confirm,
  onConfirm,
  onCancel
}: {
  readonly open: boolean
  readonly title: string
  readonly detail?: ReactNode
  readonly confirm: string
  readonly onConfirm: () => void
  readonly onCancel: () => void
}) => {
  const t = useT()
  return (
    <Dialog title={title} open={open} onClose={onCancel}>
      {detail === undefined ? null : <p>{detail}</p>}
      <div className="card-actions">
        <button type="button" className="danger" onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" className="quiet" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </Dialog>
  )
}

/** A button whose action runs only once the merchant confirmed it in a dialog, whose confirm button repeats its label. */
export const ConfirmButton = ({
  label,
  ariaLabel,
  describedBy,
  title,
  detail,
  disabled,
  onConfirm
}: {
  readonly label: string
  readonly ariaLabel?: string | undefined
  readonly describedBy?: string | undefined
  readonly title: string
  readonly detail?: ReactNode
  readonly disabled?: boolean | undefined
  readonly onConfirm: () => void
}) => {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button
        type="button"
        className="quiet danger"
        disabled={disabled}
        aria-label={ariaLabel}
        aria-describedby={describedBy}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      <ConfirmDialog
        open={open}
        title={title}
        detail={detail}
        confirm={label}
        onCancel={() => setOpen(false)}
        onConfirm={() => {
          setOpen(false)
          onConfirm()
        }}
      />
    </>
  )
}

/**
 * A wide table scrolls inside its own box on a narrow screen instead of widening the page; the box
 * is focusable (and named) so a keyboard can scroll it too.
 */
export const Scroll = ({ label, children }: { readonly label: string; readonly children: ReactNode }) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
  <section className="scroll" aria-label={label} tabIndex={0}>
    {children}
  </section>
)

/**
 * Counts the secrets on screen that are not saved yet: `add` counts one until the function it
 * returns is called. The shell asks before leaving the page or the part while any are (App).
 */
export const UnsavedSecrets = createContext<{ readonly add: () => () => void }>({ add: () => () => {} })

/**
 * The one moment a secret is on screen: what it is, the secret with a copy button, and "I have
 * saved it", which puts it away for good. Until then, leaving the part or the page asks first.
 */
export const SecretOnce = ({
  message,
  secret,
  onSaved
}: {
  readonly message: string
  readonly secret: string
  readonly onSaved: () => void
}) => {
  const t = useT()
  const unsaved = useContext(UnsavedSecrets)
  useEffect(() => unsaved.add(), [unsaved])
  return (
    <div className="secret-once" role="status">
      <p>{message}</p>
      <code className="secret" data-secret>
        {secret}
      </code>
      <CopyButton text={secret} />
      <button type="button" onClick={onSaved}>
        {t("keys.saved")}
      </button>
    </div>
  )
}

/** Copies text to the clipboard and says so next to the button. */
export const CopyButton = ({ text, label }: { readonly text: string; readonly label?: string }) => {
  const t = useT()
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      className="quiet"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false)
        )
      }
    >
      {copied ? t("common.copied") : (label ?? t("common.copy"))}
    </button>
  )
}

/** Runs a save: keeps the problem to show and leaves whatever the merchant typed in place. */
export const useSave = (): {
  readonly busy: boolean
  readonly problem: Problem | undefined
  readonly save: <A>(action: () => Promise<A>) => Promise<A | undefined>
  readonly clear: () => void
} => {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | undefined>(undefined)
  const save = useCallback(async <A,>(action: () => Promise<A>): Promise<A | undefined> => {
    setBusy(true)
    setProblem(undefined)
    try {
      return await action()
    } catch (error) {
      setProblem(failure(error))
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, problem, save, clear: useCallback(() => setProblem(undefined), []) }
}
