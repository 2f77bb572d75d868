/**
 * The signed-in session: the access token (in memory, and in sessionStorage so a reload of the
 * tab keeps it; it is gone when the tab closes or on sign-out), the merchant it acts for, and
 * the typed client built for it.
 */
import type { Effect } from "effect"
import { createContext, useContext } from "react"
import { type Client, call } from "./api.ts"

export interface Session {
  readonly token: string
  readonly expiresAt: number
  readonly keyId: string
  readonly merchant: string
}

const storageKey = "paymux.session"

export const loadSession = (): Session | undefined => {
  try {
    const raw = sessionStorage.getItem(storageKey)
    if (raw === null) return undefined
    const s = JSON.parse(raw) as Session
    return s.expiresAt > Date.now() ? s : undefined
  } catch {
    return undefined
  }
}

export const saveSession = (session: Session | undefined): void => {
  if (session === undefined) sessionStorage.removeItem(storageKey)
  else sessionStorage.setItem(storageKey, JSON.stringify(session))
}

export interface Connected {
  readonly session: Session
  readonly client: Client
  /** Runs a call; a 401 ends the session (the page asks to sign in again). */
  readonly run: <A, E>(use: (client: Client) => Effect.Effect<A, E>) => Promise<A>
  readonly signOut: () => void
}

export const SessionContext = createContext<Connected | undefined>(undefined)

export const useSession = (): Connected => {
  const connected = useContext(SessionContext)
  if (connected === undefined) throw new Error("useSession outside a signed-in page")
  return connected
}

export const connect = (session: Session, client: Client, onUnauthorized: () => void, signOut: () => void): Connected => ({
  session,
  client,
  run: (use) => call(use(client), onUnauthorized),
  signOut
})
