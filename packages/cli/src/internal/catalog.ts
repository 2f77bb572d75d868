/**
 * The PG catalog, for `paymux pg` to import when it runs. A dynamic import of `@paymux/domain`
 * itself would need the whole barrel in the chunk every command starts with (the start-up code
 * imports it statically for flags), which put the catalog's data into every `--help`.
 */
export { PgCatalog } from "@paymux/domain"
