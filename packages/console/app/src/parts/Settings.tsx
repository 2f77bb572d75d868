/** Other settings: the security whitelist, My ID and API keys. */
import { useState } from "react"
import type { Models } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import { useSession } from "../session.tsx"
import { CopyButton, ProblemNote, useLoad, useSave } from "./ui.tsx"
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
const dateOf = (millis: number | undefined): string => (millis === undefined ? "—" : new Date(millis).toISOString().slice(0, 10))

const ApiKeys = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const keys = useLoad(() => run((c) => c.apiKeys.list({ params: { merchant } })), merchant)
  const [name, setName] = useState("")
  const [days, setDays] = useState("")
  // The one moment a secret is on screen: after issue or rotate, until the merchant dismisses it.
  const [shown, setShown] = useState<{ readonly keyId: string; readonly secret: string } | undefined>(undefined)
  const { busy, problem, save } = useSave()

  const reveal = (issued: { key: ApiKey; secret: string } | undefined) => {
    if (issued === undefined) return
    setShown({ keyId: issued.key.id, secret: issued.secret })
    keys.reload()
  }

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t("keys.title")}</h2>
      <ProblemNote problem={keys.problem ?? problem} />
      {shown === undefined ? null : (
        <div className="secret-once" role="status">
          <p>{t("keys.shownOnce", { key: shown.keyId })}</p>
          <code className="secret" data-secret>
            {shown.secret}
          </code>
          <CopyButton text={shown.secret} />
          <button type="button" onClick={() => setShown(undefined)}>
            {t("keys.saved")}
          </button>
        </div>
      )}
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
                  <>
                    <button
                      type="button"
                      className="quiet"
                      disabled={busy}
                      onClick={async () => reveal(await save(() => run((c) => c.apiKeys.rotate({ params: { merchant, keyId: k.id } }))))}
                    >
                      {t("keys.rotate")}
                    </button>
                    <button
                      type="button"
                      className="quiet danger"
                      disabled={busy || k.id === session.keyId}
                      title={k.id === session.keyId ? t("keys.ownKey") : undefined}
                      onClick={async () => {
                        if ((await save(() => run((c) => c.apiKeys.revoke({ params: { merchant, keyId: k.id } })))) !== undefined)
                          keys.reload()
                      }}
                    >
                      {t("keys.revoke")}
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline"
        onSubmit={async (e) => {
          e.preventDefault()
          const expiresAt = days === "" ? undefined : Date.now() + Number(days) * day
          const issued = await save(() =>
            run((c) => c.apiKeys.issue({ params: { merchant }, payload: { name, ...(expiresAt === undefined ? {} : { expiresAt }) } }))
          )
          if (issued !== undefined) setName("")
          reveal(issued)
        }}
      >
        <label>
          {t("keys.name")}
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          {t("keys.expiresInDays")}
          <input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {t("keys.issue")}
        </button>
      </form>
    </section>
  )
}
