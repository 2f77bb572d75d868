/** Small building blocks every part of the page uses: loading data, showing a problem, a dialog, a button that waits. */
import { type ComponentProps, createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react"
import { CallFailed, type Problem, problemOf } from "../api.ts"
import { useT } from "../i18n/i18n.tsx"
import { SessionContext } from "../session.tsx"

export interface Loaded<A> {
  readonly data: A | undefined
  readonly problem: Problem | undefined
  readonly reload: () => void
}

/**
 * A part's one "Try again": after an outage every section of the part shows its own problem, and
 * one click reloads every load of the part that failed (not those that loaded). `round` counts
 * the clicks.
 */
const PartRetry = createContext<{ readonly round: number; readonly retry: () => void } | undefined>(undefined)

/** Gives the loads of one part their shared "Try again" (App, around each part). */
export const PartRetryScope = ({ children }: { readonly children: ReactNode }) => {
  const [round, setRound] = useState(0)
  const value = useMemo(() => ({ round, retry: () => setRound((r) => r + 1) }), [round])
  return <PartRetry.Provider value={value}>{children}</PartRetry.Provider>
}

/**
 * Loads once per `key` and again on `reload`; a failure is kept as a problem to show. A load that
 * failed runs again once the merchant signed in again (a 401 ended the session), and when any
 * "Try again" of its part is pressed; one that succeeded keeps its data, and the forms filled
 * from it.
 */
export const useLoad = <A,>(load: () => Promise<A>, key: string, onData?: (data: A) => void): Loaded<A> => {
  const [data, setData] = useState<A | undefined>(undefined)
  const [problem, setProblem] = useState<Problem | undefined>(undefined)
  const [round, setRound] = useState(0)
  const latest = useRef({ load, onData, problem })
  latest.current = { load, onData, problem }
  const token = useContext(SessionContext)?.session.token
  const retried = useContext(PartRetry)?.round
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs a failed load again when the session or the part's retry round changes
  useEffect(() => {
    if (token !== undefined && latest.current.problem !== undefined) setRound((r) => r + 1)
  }, [token, retried])
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

/** A problem to show; `reloaded` when the page has already reloaded what is stored (after a 409). */
export type ShownProblem = Problem & { readonly reloaded?: boolean }

/** Whether trying again may help: the server could not be reached, or failed for now. */
const transient = (problem: Problem): boolean => problem.code === "network" || (problem.status ?? 0) >= 500

/**
 * A failure shown where it happened: what it was about (`about`, a channel's name), the API's
 * detail, the field, and what it suggests. A client the whitelist shuts out is told how to get
 * back in; after a conflict, that the page shows what is stored now, or in the part's own words
 * (`conflict`) what it did about it, in place of the API's detail.
 */
export const ProblemNote = ({
  problem,
  about,
  conflict
}: {
  readonly problem: ShownProblem | undefined
  readonly about?: string
  readonly conflict?: string | undefined
}) => {
  const t = useT()
  const merchant = useContext(SessionContext)?.session.merchant
  if (problem === undefined) return null
  const reloaded = problem.reloaded === true
  return (
    <div className="problem" role="alert">
      {about === undefined ? null : <p className="about">{about}</p>}
      <p>
        {reloaded && conflict !== undefined ? conflict : problem.detail}
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
      {reloaded && conflict === undefined ? <p>{t("problem.reloaded")}</p> : null}
    </div>
  )
}

/**
 * What a part shows while its data is not there: loading, or why it failed, with "Try again"
 * when the server could not be reached (an outage, a restart).
 */
export const LoadState = ({ loaded }: { readonly loaded: Loaded<unknown> }) => {
  const t = useT()
  // The part's: it reloads this load and every other of the part that failed too.
  const retry = useContext(PartRetry)?.retry ?? loaded.reload
  if (loaded.problem === undefined) return <p>{t("common.loading")}</p>
  return (
    <>
      <ProblemNote problem={loaded.problem} />
      {transient(loaded.problem) ? (
        <button type="button" onClick={retry}>
          {t("common.retry")}
        </button>
      ) : null}
    </>
  )
}

/**
 * A modal dialog on the native `<dialog>`: focus moves into it, Escape or × asks `onClose`, and
 * focus returns to what opened it. It is open exactly while `open` is: a close the parent declines
 * (the merchant chose to stay) shows it again.
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
  // Counts the closes the merchant made, so that one the parent declined opens the dialog again.
  const [closes, setCloses] = useState(0)
  // biome-ignore lint/correctness/useExhaustiveDependencies: `closes` re-checks a dialog the browser closed
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (open && !dialog.open) {
      dialog.showModal()
      // showModal focuses the first control (the close button); a field marked for it is where to type.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus()
    }
    if (!open && dialog.open) dialog.close()
  }, [open, closes])
  const t = useT()
  return (
    // Only a close the merchant made (Escape) reports back; one that follows `open` going false does not.
    <dialog
      ref={ref}
      aria-label={title}
      onClose={() => {
        if (!open) return
        onClose()
        setCloses((n) => n + 1)
      }}
    >
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
  dismiss,
  onConfirm,
  onCancel
}: {
  readonly open: boolean
  readonly title: string
  readonly detail?: ReactNode
  readonly confirm: string
  /** The button that closes the dialog, "Cancel" unless the action is itself a cancelling. */
  readonly dismiss?: string | undefined
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
          {dismiss ?? t("common.cancel")}
        </button>
      </div>
    </Dialog>
  )
}

/**
 * A button that waits while its call is on its way (`busy`): it ignores presses (a submit button's
 * too) and says so with `aria-disabled`, but keeps keyboard focus, which `disabled` would drop to
 * <body> the moment the call starts. `disabled` stays for a button that cannot be used at all.
 */
export const BusyButton = ({ busy, onClick, ...button }: ComponentProps<"button"> & { readonly busy: boolean }) => (
  <button
    type="button"
    {...button}
    aria-disabled={busy || undefined}
    onClick={(e) => {
      if (busy) e.preventDefault()
      else onClick?.(e)
    }}
  />
)

/** A button whose action runs only once the merchant confirmed it in a dialog, whose confirm button repeats its label. */
export const ConfirmButton = ({
  label,
  ariaLabel,
  describedBy,
  title,
  detail,
  dismiss,
  busy,
  disabled,
  onConfirm
}: {
  readonly label: string
  readonly ariaLabel?: string | undefined
  readonly describedBy?: string | undefined
  readonly title: string
  readonly detail?: ReactNode
  readonly dismiss?: string | undefined
  readonly busy: boolean
  readonly disabled?: boolean | undefined
  readonly onConfirm: () => void
}) => {
  const [open, setOpen] = useState(false)
  return (
    <>
      <BusyButton
        className="quiet danger"
        busy={busy}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-describedby={describedBy}
        onClick={() => setOpen(true)}
      >
        {label}
      </BusyButton>
      <ConfirmDialog
        open={open}
        title={title}
        detail={detail}
        confirm={label}
        dismiss={dismiss}
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
 * What leaving would lose: a secret shown once and not yet saved (or a request on its way that
 * answers with one), or a form's edits not yet saved.
 */
export type UnsavedKind = "secret" | "edits"

/**
 * The one registry of unsaved changes on screen: `add` counts one of its kind until the function
 * it returns is called. The shell asks before leaving the page or the part while any are (App).
 */
export const Unsaved = createContext<{ readonly add: (kind: UnsavedKind) => () => void }>({ add: () => () => {} })

/**
 * Counts a form's edits as unsaved while `dirty`: what it shows differs from what was loaded or
 * last saved. A form saved, reset, cancelled (closed) or typed back to what was loaded is not.
 */
export const useUnsavedEdits = (dirty: boolean): void => {
  const unsaved = useContext(Unsaved)
  useEffect(() => (dirty ? unsaved.add("edits") : undefined), [dirty, unsaved])
}

/**
 * Runs requests whose answer is a secret shown once (an API key issued or rotated, a first
 * webhook URL, a rotated signing secret). Until one answers, leaving asks as for a secret on
 * screen: the answer would be lost with the part.
 */
export const useSecretRequest = (): (<A>(request: () => Promise<A>) => Promise<A>) => {
  const unsaved = useContext(Unsaved)
  const pending = useRef(new Set<() => void>())
  // The part went (the merchant chose to leave): its requests no longer hold the page.
  useEffect(() => {
    const releases = pending.current
    return () => {
      for (const release of releases) release()
      releases.clear()
    }
  }, [])
  return useCallback(
    async <A,>(request: () => Promise<A>): Promise<A> => {
      const release = unsaved.add("secret")
      pending.current.add(release)
      try {
        return await request()
      } finally {
        if (pending.current.delete(release)) release()
      }
    },
    [unsaved]
  )
}

/**
 * What an edit dialog is open for. Each opening is a new object, so a save that answers after
 * its dialog was closed closes only its own dialog, never another opened since.
 */
export const useOpenFor = <A extends object>() => {
  const [open, setOpen] = useState<A | undefined>(undefined)
  const close = useCallback(() => setOpen(undefined), [])
  const closeIf = useCallback((mine: A) => setOpen((current) => (current === mine ? undefined : current)), [])
  return { open, show: setOpen, close, closeIf }
}

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
  const unsaved = useContext(Unsaved)
  useEffect(() => unsaved.add("secret"), [unsaved])
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

/**
 * Copies text to the clipboard and says so next to the button. A page served over plain http
 * under a hostname has no clipboard (it is not a secure context), and a browser may refuse the
 * copy: then it says so, and that the value can be selected and copied by hand. The value is
 * never logged.
 */
export const CopyButton = ({ text, label }: { readonly text: string; readonly label?: string }) => {
  const t = useT()
  const [copied, setCopied] = useState<boolean | undefined>(undefined)
  const copy = async () => {
    try {
      // `navigator.clipboard` is undefined outside a secure context, whatever its type says.
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <>
      <button type="button" className="quiet" onClick={() => void copy()}>
        {copied === true ? t("common.copied") : (label ?? t("common.copy"))}
      </button>
      {copied === false ? (
        <span className="muted" role="status">
          {t("common.copyUnavailable")}
        </span>
      ) : null}
    </>
  )
}

/**
 * Runs a save: keeps the problem to show and leaves whatever the merchant typed in place. A save
 * refused because what it changes was changed elsewhere meanwhile (409) calls `onConflict`, which
 * reloads what is stored, and the problem says so.
 */
export const useSave = (): {
  readonly busy: boolean
  readonly problem: ShownProblem | undefined
  readonly save: <A>(action: () => Promise<A>, onConflict?: () => void) => Promise<A | undefined>
  readonly clear: () => void
} => {
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<ShownProblem | undefined>(undefined)
  const save = useCallback(async <A,>(action: () => Promise<A>, onConflict?: () => void): Promise<A | undefined> => {
    setBusy(true)
    setProblem(undefined)
    try {
      return await action()
    } catch (error) {
      const problem = failure(error)
      const reloaded = problem.status === 409 && onConflict !== undefined
      if (reloaded) onConflict()
      setProblem(reloaded ? { ...problem, reloaded } : problem)
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, problem, save, clear: useCallback(() => setProblem(undefined), []) }
}
