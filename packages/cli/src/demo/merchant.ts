/**
 * The demo's merchant: a fixed code so the printed commands can be copied. Its own module, so
 * `demo` can recognise a database an earlier run left without loading the steps.
 */
export const merchant = "imp20260001"
