/**
 * How many rows a `limit` allows, in every store alike: a whole number of at least 0 (1.5 allows
 * 1, -1 and NaN allow none); no limit, or one beyond the safe integers (which SQL cannot bind),
 * allows all.
 */
export const rowLimit = (limit: number | undefined): number =>
  limit === undefined || limit > Number.MAX_SAFE_INTEGER
    ? Number.POSITIVE_INFINITY
    : Number.isNaN(limit)
      ? 0
      : Math.max(0, Math.floor(limit))
