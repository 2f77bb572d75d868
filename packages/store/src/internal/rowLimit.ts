/**
 * How many rows a `limit` allows, in every store alike: a whole number of at least 0 (1.5 allows
 * 1, -1 allows none); no limit allows all.
 */
export const rowLimit = (limit: number | undefined): number =>
  limit === undefined ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor(limit))
