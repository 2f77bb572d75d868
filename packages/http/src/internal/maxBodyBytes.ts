import { Context } from "effect"

/**
 * Marks an endpoint whose request bodies are smaller than the server's `maxBodyBytes` allows: a
 * larger one is refused with 413 before it is read (bodyLimits.ts). For an endpoint that needs no
 * credential, whose body is read and parsed before anyone is known.
 */
export const MaxBodyBytes = Context.Reference<number>("@paymux/http/MaxBodyBytes", { defaultValue: () => Number.POSITIVE_INFINITY })
