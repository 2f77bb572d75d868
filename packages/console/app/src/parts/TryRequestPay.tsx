/**
 * Try request_pay: resolves a request as the SDK would send it and shows the chosen channel, or
 * the miss with every candidate and why it was rejected, and "did you mean" for a bad `pg`. A
 * call that failed otherwise (an outage, a lost session) is shown as a problem, never as a miss.
 */
import { useState } from "react"
import { type Models, Problem } from "@paymux/http"
import { useT } from "../i18n/i18n.tsx"
import { useSession } from "../session.tsx"
import { BusyButton, ProblemNote, useLoad, useSave } from "./ui.tsx"

type Resolution = typeof Models.ResolutionView.Type

export const TryRequestPay = () => {
  const t = useT()
  const { run, session } = useSession()
  const merchant = session.merchant
  const [pg, setPg] = useState("")
  const [payMethod, setPayMethod] = useState("")
  const [mode, setMode] = useState("")
  const [tier, setTier] = useState("")
  const [channelKey, setChannelKey] = useState("")
  const [result, setResult] = useState<Resolution | undefined>(undefined)
  const subs = useLoad(() => run((c) => c.merchants.listSubMerchants({ params: { merchant } })), merchant)
  const { busy, problem, save } = useSave()

  const submit = async () => {
    setResult(undefined)
    const resolved = await save(() =>
      run((c) =>
        c.resolve.resolve({
          params: { merchant },
          payload: {
            ...(pg === "" ? {} : { pg }),
            ...(payMethod === "" ? {} : { payMethod }),
            ...(mode === "test" || mode === "live" ? { mode } : {}),
            ...(tier === "" ? {} : { tier }),
            ...(channelKey === "" ? {} : { channelKey })
          }
        })
      )
    )
    if (resolved !== undefined) setResult(resolved)
  }
  // A miss is an answer, not a failure of the page: shown as the result, with its candidates.
  const miss = problem !== undefined && Problem.isResolutionMiss(problem.code) ? problem : undefined

  return (
    <section aria-labelledby="try-title">
      <h2 id="try-title">{t("try.title")}</h2>
      <p>{t("try.intro")}</p>
      <form
        className="grid"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label>
          pg
          <input name="pg" value={pg} onChange={(e) => setPg(e.target.value)} placeholder="kcp.T0000" />
        </label>
        <label>
          {t("try.payMethod")}
          <input name="payMethod" value={payMethod} onChange={(e) => setPayMethod(e.target.value)} placeholder="card" />
        </label>
        <label>
          {t("channel.mode")}
          <select name="mode" value={mode} onChange={(e) => setMode(e.target.value)}>
            <option value="">{t("try.anyMode")}</option>
            <option value="test">{t("mode.test")}</option>
            <option value="live">{t("mode.live")}</option>
          </select>
        </label>
        <label>
          {t("try.tier")}
          <select name="tier" value={tier} onChange={(e) => setTier(e.target.value)}>
            <option value="">{t("try.noTier")}</option>
            {(subs.data ?? []).map((s) => (
              <option key={s.tier} value={s.tier}>
                {s.name} ({s.tier})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("try.channelKey")}
          <input name="channelKey" value={channelKey} onChange={(e) => setChannelKey(e.target.value)} />
        </label>
        <BusyButton type="submit" busy={busy}>
          {t("try.submit")}
        </BusyButton>
      </form>
      {result === undefined ? null : (
        // A fallback is no plain match: the pg it was given named no channel, and the default (perhaps
        // a live one) serves instead. It reads as such, not as "Chosen" (console probe).
        <div className={result.fellBack === undefined ? "result hit" : "result fellback"} role="status">
          <h3>{t(result.fellBack === undefined ? "try.hit" : "try.fellBack", { name: result.channel.name })}</h3>
          <dl>
            <dt>{t("channel.pg")}</dt>
            <dd>
              {result.channel.pg} · <code>{result.channel.mid}</code>
            </dd>
            <dt>{t("channel.mode")}</dt>
            <dd>{t(`mode.${result.mode}`)}</dd>
            <dt>{t("try.via")}</dt>
            <dd>{result.via}</dd>
            <dt>{t("try.key")}</dt>
            <dd>
              <code>{result.channel.key}</code>
            </dd>
          </dl>
          {result.warning === undefined ? null : <p className="warning">{result.warning.detail}</p>}
          {result.fellBack === undefined ? null : (
            <>
              <p className="warning">{result.fellBack.detail}</p>
              {result.fellBack.rejected.length === 0 ? null : <Rejected rows={result.fellBack.rejected} />}
            </>
          )}
        </div>
      )}
      {miss === undefined ? (
        <ProblemNote problem={problem} />
      ) : (
        <div className="result miss" role="status">
          <h3>{t("try.miss")}</h3>
          <p>{miss.detail}</p>
          {miss.suggestions === undefined || miss.suggestions.length === 0 ? null : (
            <p>{t("problem.didYouMean", { list: miss.suggestions.join(", ") })}</p>
          )}
          {miss.rejected === undefined ? null : <Rejected rows={miss.rejected} />}
        </div>
      )}
    </section>
  )
}

const Rejected = ({
  rows
}: {
  readonly rows: ReadonlyArray<{ channel: string; pg: string; mode: string; reason: string; detail: string }>
}) => {
  const t = useT()
  if (rows.length === 0) return <p>{t("try.noCandidates")}</p>
  return (
    <table className="rejected">
      <caption>{t("try.rejected", { n: rows.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("try.channel")}</th>
          <th scope="col">{t("channel.pg")}</th>
          <th scope="col">{t("channel.mode")}</th>
          <th scope="col">{t("try.reason")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.channel}-${r.reason}`}>
            <th scope="row">
              <code>{r.channel}</code>
            </th>
            <td>{r.pg}</td>
            <td>{r.mode}</td>
            <td>
              <strong>{r.reason}</strong>: {r.detail}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
