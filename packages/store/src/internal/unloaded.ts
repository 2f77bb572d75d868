/**
 * Channels are read without their credentials. `update` of such a channel (read, credentials not
 * loaded) keeps the stored envelope, so a read-modify-write of, say, the name never blanks them.
 */
import type { PaymentChannel } from "@paymux/domain"

/** Whether `update` keeps the stored credentials: the channel was read and its credentials were not loaded. */
export const keepsCredentials = (c: PaymentChannel.PaymentChannel): boolean =>
  c.readable !== undefined && Object.keys(c.credentials).length === 0
