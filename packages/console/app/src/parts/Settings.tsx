/** Other settings: the security whitelist, My ID and API keys. */
import { useState } from "react"
import { ApiKey as Keys } from "@paymux/domain"
import type { Models } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import { useSession } from "../session.tsx"
import {
  BusyButton,
  ConfirmButton,
  CopyButton,
  LoadState,
  ProblemNote,
  Scroll,
  SecretOnce,
  useLoad,
  useSave,
  useSecretRequest,
  useUnsavedEdits
} from "./ui.tsx"
import { WhitelistEditor } from "./WhitelistEditor.tsx"

type ApiKey = typeof Models.ApiKeyView.Type

export const Settings = () => {
  const t = useT()
  const { session } = useSession()
  return (
    <>
      <WhitelistEditor />
      <section aria-labelledby="myid-title">
        <h2 id="myid-title">{t("myId.title")}</h2>
        <dl>
          <dt>{t("myId.merchant")}</dt>
          <dd>
            <code>{session.merchant}</code> <CopyButton text={session.merchant} />
          </dd>
          <dt>{t("myId.signedInWith")}</dt>
          <dd>
            <code>{session.keyId}</code>
          </dd>
        </dl>
      </section>
      <ApiKeys />
    </>
  )
}

const day = 24 * 60 * 60 * 1000
// The longest a key may live, in whole days: the browser refuses more before anything is sent (a
// billion days failed to encode and read as "the server's answer could not be read").
const maxDays = Math.floor(Keys.maxLifetimeMillis / day)
const dateOf = (millis: number | undefined): string => (millis === undefined ? "—" : new Date(millis).toISOString().slice(0, 10))

const ApiKeys = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const keys = useLoad(() => run((c) => c.apiKeys.list({ params: { merchant } })), merchant)
  const [name, setName] = useState("")
  const [days, setDays] = useState("")
  // A key typed and not issued is unsaved: leaving the part asks first.
  useUnsavedEdits(name.trim() !== "" || days.trim() !== "")
  // The one moment a secret is on screen: after issue or rotate, until the merchant dismisses it.
  const [shown, setShown] = useState<{ readonly keyId: string; readonly secret: string } | undefined>(undefined)
  const { busy, problem, save, clear } = useSave()
  const secretRequest = useSecretRequest()

  const reveal = (issued: { key: ApiKey; secret: string } | undefined) => {
    if (issued === undefined) return
    setShown({ keyId: issued.key.id, secret: issued.secret })
    keys.reload()
  }

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title" tabIndex={-1}>
        {t("keys.title")}
      </h2>
      {keys.problem === undefined ? null : <LoadState loaded={keys} />}
      <ProblemNote problem={problem} />
      {shown === undefined ? null : (
        <SecretOnce message={t("keys.shownOnce", { key: shown.keyId })} secret={shown.secret} onSaved={() => setShown(undefined)} />
      )}
      <Scroll label={t("keys.list")}>
        <table className="keys">
          <thead>
            <tr>
              <th scope="col">{t("keys.id")}</th>
              <th scope="col">{t("keys.name")}</th>
              <th scope="col">{t("keys.created")}</th>
              <th scope="col">{t("keys.expires")}</th>
              <th scope="col">{t("keys.status")}</th>
              <th scope="col">{t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr key={k.id} data-key={k.id}>
                <th scope="row">
                  <code>{k.id}</code>
                </th>
                <td>{k.name}</td>
                <td>{dateOf(k.createdAt)}</td>
                <td>{dateOf(k.expiresAt)}</td>
                <td>{t(`keys.${k.status}`)}</td>
                <td className="actions">
                  {k.status === "active" ? (
                    <KeyActions
                      keyId={k.id}
                      // Rotating or revoking the session's own key would end this session (and lose a rotated secret).
                      own={k.id === session.keyId}
                      busy={busy || shown !== undefined}
                      onRotate={async () =>
                        reveal(await save(() => secretRequest(() => run((c) => c.apiKeys.rotate({ params: { merchant, keyId: k.id } })))))
                      }
                      onRevoke={async () => {
                        if ((await save(() => run((c) => c.apiKeys.revoke({ params: { merchant, keyId: k.id } })))) !== undefined)
                          keys.reload()
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      <form
        className="inline"
        onSubmit={async (e) => {
          e.preventDefault()
          const expiresAt = days === "" ? undefined : Date.now() + Number(days) * day
          const issued = await save(() =>
            secretRequest(() =>
              run((c) => c.apiKeys.issue({ params: { merchant }, payload: { name, ...(expiresAt === undefined ? {} : { expiresAt }) } }))
            )
          )
          if (issued !== undefined) {
            setName("")
            setDays("")
          }
          reveal(issued)
        }}
      >
        <label>
          {t("keys.name")}
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          {t("keys.expiresInDays")}
          <input type="number" min={1} max={maxDays} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        {/* One secret on screen at a time: a second would replace the first before it was saved. */}
        <BusyButton type="submit" busy={busy || shown !== undefined} onClick={clear}>
          {t("keys.issue")}
        </BusyButton>
        {shown === undefined ? null : <p className="muted">{t("keys.saveFirst")}</p>}
      </form>
    </section>
  )
}

/**
 * Rotate and revoke of one active key, each confirmed first; both wait while `busy`, and are
 * disabled, with the reason, for the session's own key.
 */
const KeyActions = ({
  keyId,
  own,
  busy,
  onRotate,
  onRevoke
}: {
  readonly keyId: string
  readonly own: boolean
  readonly busy: boolean
  readonly onRotate: () => void
  readonly onRevoke: () => void
}) => {
  const t = useT()
  const why = `key-own-${keyId}`
  return (
    <>
      {/* Asks first, as Revoke does: the old secret stops working at once, and a server using it with it. */}
      <ConfirmButton
        label={t("keys.rotate")}
        ariaLabel={t("keys.rotateOne", { key: keyId })}
        describedBy={own ? why : undefined}
        title={t("keys.rotateTitle", { key: keyId })}
        detail={t("keys.rotateDetail")}
        busy={busy}
        disabled={own}
        onConfirm={onRotate}
      />
      <ConfirmButton
        label={t("keys.revoke")}
        ariaLabel={t("keys.revokeOne", { key: keyId })}
        describedBy={own ? why : undefined}
        title={t("keys.revokeTitle", { key: keyId })}
        detail={t("keys.revokeDetail")}
        busy={busy}
        disabled={own}
        onConfirm={onRevoke}
      />
      {own ? (
        <small id={why} className="muted">
          {t("keys.ownKey")}
        </small>
      ) : null}
    </>
  )
}
