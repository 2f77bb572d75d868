/**
 * Every failure a use case can end with.
 *
 * @since 0.1.0
 */
import type { ResolutionError } from "@paymux/channel-resolver"
import type { DomainError } from "@paymux/domain"
import type { StoreError } from "@paymux/store"
import type { Cidr } from "@paymux/whitelist"
import { Schema } from "effect"

/**
 * A presented API key or secret that does not authenticate. It never says which part was wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {}) {
  override get message(): string {
    return "the API key or secret is not valid"
  }
}

/**
 * A webhook could not be sent: no URL saved for the mode, the URL is refused, or a test send asks
 * for the shape the mode does not send.
 *
 * @since 0.1.0
 * @category errors
 */
export class WebhookNotSent extends Schema.TaggedError<WebhookNotSent>()("WebhookNotSent", {
  reason: Schema.String
}) {
  override get message(): string {
    return `webhook not sent: ${this.reason}`
  }
}

/**
 * The union of every use case's failures, for code that handles any use case (the facade, the HTTP
 * API, the CLI). Each use case declares only the members it can raise.
 *
 * @since 0.1.0
 * @category errors
 */
export type AdminError =
  | DomainError.DomainError
  | StoreError.StoreError
  | Unauthenticated
  | Cidr.InvalidCidr
  | ResolutionError.ResolutionError
  | WebhookNotSent
