/**
 * When to retry a webhook and how long to wait: a network error or any answer but 2xx and 410 is
 * retried on 1, 4, 16, 64, 256 minutes with full jitter (delay × random in [0, 1)), never sooner
 * than the receiver's `Retry-After`.
 *
 * @since 0.1.0
 */
import type { Delivery } from "@paymux/store"
import { parseHttpDate } from "./internal/httpDate.ts"

/**
 * The default schedule in minutes: the waits before the five retries a delivery gets by default
 * (`maxAttempts` 6, see `Delivery.NewDelivery`).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultScheduleMinutes: ReadonlyArray<number> = [1, 4, 16, 64, 256]

/**
 * The longest `Retry-After` honoured (a day); anything longer is clamped.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRetryAfterMillis = 24 * 60 * 60 * 1000

/**
 * Classifies an HTTP status: 2xx delivered; 410 Gone failed (Standard Webhooks: the receiver is
 * gone for good); anything else retried. PortOne resends on "network problems or merchant errors"
 * alike, so a receiver answering 401 or 404 while it is being deployed or re-keyed gets the
 * message once it is fixed, not only through a manual resend. A redirect is retried too: it is
 * never followed (see `UrlGuard`).
 *
 * @since 0.1.0
 * @category classification
 */
export const classifyStatus = (status: number): Delivery.Outcome =>
  status >= 200 && status < 300 ? "delivered" : status === 410 ? "failed" : "retry"

/**
 * Parses `Retry-After` into milliseconds from `now`, capped at `maxRetryAfterMillis`: what RFC 9110
 * (section 10.2.3) allows, delay-seconds (digits only) or an HTTP-date in any of its three forms,
 * always in GMT (a date in the past is 0). Anything else is `undefined` (ignored): a date without
 * its zone, another date format, a sign or a fraction.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^[0-9]+$/.test(text)) return Math.min(Number(text) * 1000, maxRetryAfterMillis)
  const date = parseHttpDate(text, now)
  if (date === undefined) return undefined
  return Math.min(Math.max(0, date - now), maxRetryAfterMillis)
}

/**
 * The wait before the retry that follows attempt `attempt` (1-based): the schedule's step for it,
 * its last step once the schedule runs out, with full jitter (`random` is in [0, 1)) and never
 * sooner than `retryAfterMillis`. How many attempts a delivery gets is its own `maxAttempts`,
 * not the schedule's length; an empty schedule retries at once.
 *
 * @since 0.1.0
 * @category scheduling
 */
export const delayAfter = (options: {
  readonly attempt: number
  readonly random: number
  readonly retryAfterMillis?: number | undefined
  readonly scheduleMinutes?: ReadonlyArray<number> | undefined
}): number => {
  const schedule = options.scheduleMinutes ?? defaultScheduleMinutes
  const base = schedule[Math.min(options.attempt, schedule.length) - 1] ?? 0
  const jittered = Math.floor(base * 60_000 * options.random)
  return Math.max(jittered, options.retryAfterMillis ?? 0)
}
