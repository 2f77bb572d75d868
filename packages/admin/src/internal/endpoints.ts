import type { ChannelTerms, WebhookSettings } from "@paymux/domain"
import { StoreError } from "@paymux/store"
import { Effect } from "effect"

/**
 * The mode's endpoint with this id, or `NotFound`: an unknown endpoint id is a missing resource,
 * as an unknown channel or delivery is (it was bad input in some places and a failed send in another).
 */
export const findEndpoint = (
  settings: WebhookSettings.WebhookSettings,
  mode: ChannelTerms.Mode,
  id: string
): Effect.Effect<WebhookSettings.Endpoint, StoreError.StoreError> => {
  const found = settings[mode].endpoints.find((e) => e.id === id)
  return found === undefined ? Effect.fail(StoreError.notFound(`${mode} webhook endpoint`, id)) : Effect.succeed(found)
}
