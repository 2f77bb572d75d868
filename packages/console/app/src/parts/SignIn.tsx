/**
 * Sign-in with an API key: the key id and secret are exchanged for an access token. The page
 * before signing in, and the dialog over a page whose session ended (what was typed there stays).
 */
import { useId, useRef, useState } from "react"
import { call, clientFor } from "../api.ts"
import { useT } from "../i18n/i18n.tsx"
import type { Session } from "../session.tsx"
import { BusyButton, ProblemNote, useSave } from "./ui.tsx"

export const SignIn = ({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }) => {
  const t = useT()
  return (
    <main className="sign-in">
      <h1>{t("signIn.title")}</h1>
      <p>{t("signIn.intro")}</p>
      <SignInForm onSignedIn={onSignedIn} />
    </main>
  )
}

/** The key id and secret, exchanged for a session; `keyId` starts the id filled (signing in again). */
export const SignInForm = ({
  onSignedIn,
  keyId: known = ""
}: {
  readonly onSignedIn: (session: Session) => void
  readonly keyId?: string
}) => {
  const t = useT()
  const [keyId, setKeyId] = useState(known)
  const [secret, setSecret] = useState("")
  const { busy, problem, save, clear } = useSave()
  // The field left empty, said in words next to the button and focused: the browser's own bubble
  // for a required field showed nothing in a walkthrough, so the form checks them itself.
  const [missing, setMissing] = useState<"keyId" | "secret" | undefined>(undefined)
  const fields = { keyId: useRef<HTMLInputElement>(null), secret: useRef<HTMLInputElement>(null) }
  const missingId = useId()
  const submit = async () => {
    const empty = keyId.trim() === "" ? "keyId" : secret === "" ? "secret" : undefined
    setMissing(empty)
    if (empty !== undefined) {
      clear()
      fields[empty].current?.focus()
      return
    }
    const session = await save(async () => {
      const anonymous = clientFor(location.origin, undefined)
      const token = await call(anonymous.auth.token({ payload: { apiKey: keyId.trim(), apiSecret: secret } }))
      const [merchant] = await call(clientFor(location.origin, token.accessToken).merchants.list())
      if (merchant === undefined) throw new Error("no merchant")
      return {
        token: token.accessToken,
        expiresAt: Date.now() + (token.expiresAt - token.now),
        keyId: keyId.trim(),
        merchant: merchant.code
      }
    })
    if (session !== undefined) {
      // The secret is not kept once it has done its job.
      setSecret("")
      onSignedIn(session)
    }
  }
  return (
    <form
      className="sign-in-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <label>
        {t("signIn.keyId")}
        <input
          ref={fields.keyId}
          name="keyId"
          autoComplete="username"
          required
          aria-invalid={missing === "keyId"}
          aria-describedby={missing === "keyId" ? missingId : undefined}
          value={keyId}
          onChange={(e) => {
            setKeyId(e.target.value)
            if (missing === "keyId") setMissing(undefined)
          }}
        />
      </label>
      <label>
        {t("signIn.secret")}
        <input
          ref={fields.secret}
          name="secret"
          type="password"
          autoComplete="current-password"
          // Signing in again (the id filled in), the secret is what to type.
          data-autofocus={known === "" ? undefined : true}
          required
          aria-invalid={missing === "secret"}
          aria-describedby={missing === "secret" ? missingId : undefined}
          value={secret}
          onChange={(e) => {
            setSecret(e.target.value)
            if (missing === "secret") setMissing(undefined)
          }}
        />
      </label>
      {missing === undefined ? null : (
        <div className="problem" role="alert" id={missingId}>
          <p>{t("signIn.missing", { field: t(missing === "keyId" ? "signIn.keyId" : "signIn.secret") })}</p>
        </div>
      )}
      <ProblemNote problem={problem} />
      <BusyButton type="submit" busy={busy}>
        {t("signIn.submit")}
      </BusyButton>
    </form>
  )
}
