/**
 * The console shell: sign-in, then the parts of the "Integrate payment" page behind a nav.
 * Navigation is the URL hash (`#/channels`), so the server needs no fallback route.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react"
import { clientFor, endToken } from "./api.ts"
import { type Key, type Lang, LangContext, translator } from "./i18n/i18n.tsx"
import { Channels } from "./parts/Channels.tsx"
import { LiveCards } from "./parts/LiveCards.tsx"
import { PartBoundary } from "./parts/PartBoundary.tsx"
import { Settings } from "./parts/Settings.tsx"
import { SignIn, SignInForm } from "./parts/SignIn.tsx"
import { TestCards } from "./parts/TestCards.tsx"
import { TryRequestPay } from "./parts/TryRequestPay.tsx"
import { Webhooks } from "./parts/Webhooks.tsx"
import { Dialog, PartRetryScope, Unsaved, type UnsavedKind } from "./parts/ui.tsx"
import { useFocusKept } from "./parts/useFocusKept.ts"
import { connect, loadSession, type Session, SessionContext, saveSession } from "./session.tsx"

const parts = [
  { path: "channels", label: "nav.channels", Part: Channels },
  { path: "test", label: "nav.test", Part: TestCards },
  { path: "live", label: "nav.live", Part: LiveCards },
  { path: "try", label: "nav.try", Part: TryRequestPay },
  { path: "webhooks", label: "nav.webhooks", Part: Webhooks },
  { path: "settings", label: "nav.settings", Part: Settings }
] as const satisfies ReadonlyArray<{ path: string; label: Key; Part: () => unknown }>

const currentPath = (): string => location.hash.replace(/^#\/?/, "") || "channels"

/** The part the URL hash names; a change `mayLeave` declines puts the hash back. */
const useHashPath = (mayLeave: () => boolean): string => {
  const [path, setPath] = useState(currentPath)
  const shown = useRef(path)
  useEffect(() => {
    const onChange = () => {
      const next = currentPath()
      if (next === shown.current) return
      if (!mayLeave()) {
        history.replaceState(null, "", `#/${shown.current}`)
        return
      }
      shown.current = next
      setPath(next)
    }
    window.addEventListener("hashchange", onChange)
    return () => window.removeEventListener("hashchange", onChange)
  }, [mayLeave])
  return path
}

/**
 * The unsaved changes on screen: secrets shown once and not yet saved (`SecretOnce`, and requests
 * on their way that answer with one) and forms whose edits are not saved (`useUnsavedEdits`).
 * While there are any, closing or reloading the tab asks (the browser's own question), and so do
 * going to another part and signing out (`mayLeave`), in the secret's stronger words when one is
 * among them: a secret is not shown again.
 */
const useUnsaved = (questions: { readonly secret: string; readonly edits: string }) => {
  const counts = useRef<Record<UnsavedKind, number>>({ secret: 0, edits: 0 })
  const registry = useMemo(
    () => ({
      add: (kind: UnsavedKind) => {
        counts.current[kind]++
        return () => {
          counts.current[kind]--
        }
      }
    }),
    []
  )
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (counts.current.secret + counts.current.edits > 0) e.preventDefault()
    }
    window.addEventListener("beforeunload", onBeforeUnload)
    return () => window.removeEventListener("beforeunload", onBeforeUnload)
  }, [])
  const { secret, edits } = questions
  const mayLeave = useCallback(
    () => (counts.current.secret > 0 ? window.confirm(secret) : counts.current.edits > 0 ? window.confirm(edits) : true),
    [secret, edits]
  )
  return { registry, mayLeave }
}

const storedLang = (): Lang => (localStorage.getItem("paymux.lang") === "ko" ? "ko" : "en")

export const App = () => {
  const [lang, setLang] = useState<Lang>(storedLang)
  const [session, setSession] = useState<Session | undefined>(loadSession)
  // A call answered 401 (the token expired, or its key was rotated or revoked): the page stays,
  // with what was typed in it, under a dialog that signs in again.
  const [expired, setExpired] = useState(false)
  const t = useMemo(() => translator(lang), [lang])
  const unsaved = useUnsaved({ secret: t("keys.leaveUnsaved"), edits: t("common.leaveUnsaved") })
  const path = useHashPath(unsaved.mayLeave)
  useFocusKept()
  useEffect(() => {
    document.documentElement.lang = lang
    localStorage.setItem("paymux.lang", lang)
  }, [lang])
  const signOut = useCallback(() => {
    if (session !== undefined) endToken(location.origin, session.token)
    saveSession(undefined)
    setSession(undefined)
    setExpired(false)
  }, [session])
  // What the merchant does to sign out: asks first while a secret or an edit is on screen unsaved.
  const { mayLeave } = unsaved
  const chooseSignOut = useCallback(() => {
    if (mayLeave()) signOut()
  }, [mayLeave, signOut])
  const onUnauthorized = useCallback(() => {
    saveSession(undefined)
    setExpired(true)
  }, [])
  const signedIn = useCallback((s: Session) => {
    saveSession(s)
    setSession(s)
    setExpired(false)
  }, [])
  const connected = useMemo(
    () => (session === undefined ? undefined : connect(session, clientFor(location.origin, session.token), onUnauthorized, signOut)),
    [session, onUnauthorized, signOut]
  )
  // From the sign-in page into the console, focus goes to the part's heading (it fell to <body>).
  const heading = useRef<HTMLHeadingElement>(null)
  const wasSignedOut = useRef(session === undefined)
  useEffect(() => {
    if (connected !== undefined && wasSignedOut.current) heading.current?.focus()
    wasSignedOut.current = connected === undefined
  }, [connected])
  const part = parts.find((p) => p.path === path) ?? parts[0]
  const partTitle = connected === undefined ? t("signIn.title") : t(part.label)
  useEffect(() => {
    document.title = `${partTitle} · Paymux`
  }, [partTitle])
  const language = (
    <label className="lang">
      {t("common.language")}
      <select value={lang} onChange={(e) => setLang(e.target.value === "ko" ? "ko" : "en")}>
        <option value="en">English</option>
        <option value="ko">한국어</option>
      </select>
    </label>
  )
  return (
    <LangContext.Provider value={{ lang, t }}>
      {connected === undefined ? (
        <>
          <header className="top">
            <span className="brand">Paymux</span>
            {language}
          </header>
          <SignIn onSignedIn={signedIn} />
        </>
      ) : (
        <SessionContext.Provider value={connected}>
          <Unsaved.Provider value={unsaved.registry}>
            <header className="top">
              <span className="brand">Paymux</span>
              <span className="who">{t("top.merchant", { merchant: connected.session.merchant })}</span>
              {language}
              <button type="button" className="quiet" onClick={chooseSignOut}>
                {t("top.signOut")}
              </button>
            </header>
            <nav aria-label={t("nav.label")}>
              <ul>
                {parts.map((p) => (
                  <li key={p.path}>
                    <a href={`#/${p.path}`} aria-current={p === part ? "page" : undefined}>
                      {t(p.label)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <main>
              <h1 ref={heading} tabIndex={-1}>
                {t(part.label)}
              </h1>
              {/* Keyed by merchant too: signing in again as another merchant starts the part afresh. */}
              <PartBoundary key={`${connected.session.merchant}:${part.path}`} message={t("common.partFailed")}>
                <PartRetryScope>
                  <part.Part />
                </PartRetryScope>
              </PartBoundary>
            </main>
            {/* Closing it signs out, asking first while a secret or an edit is on screen unsaved. */}
            <Dialog title={t("signIn.title")} open={expired} onClose={chooseSignOut}>
              <p role="alert">{t("signIn.expired")}</p>
              <SignInForm keyId={connected.session.keyId} onSignedIn={signedIn} />
            </Dialog>
          </Unsaved.Provider>
        </SessionContext.Provider>
      )}
    </LangContext.Provider>
  )
}
