/** Longest accepted key of a param, metric or tag (MLflow's limit). */
export const MAX_KEY_LENGTH = 250
/** Longest accepted param value (MLflow's limit since 2.x). */
export const MAX_PARAM_VALUE_LENGTH = 6000
/** Longest accepted tag value. */
export const MAX_TAG_VALUE_LENGTH = 8000
/** Longest accepted experiment or run name. */
export const MAX_NAME_LENGTH = 500
/** Most metric points in one batch. */
export const MAX_BATCH_METRICS = 10_000
/** Most params in one batch. */
export const MAX_BATCH_PARAMS = 100
/** Most tags in one batch. */
export const MAX_BATCH_TAGS = 100
/** Most runs or experiments in one page of a list or search. */
export const MAX_PAGE_SIZE = 1000
/** Most points in one page of raw metric history. */
export const MAX_HISTORY_PAGE = 100_000
/** Most points a downsampled history may ask for. */
export const MAX_DOWNSAMPLED_POINTS = 10_000
