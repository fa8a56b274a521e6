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
/** Longest accepted artifact path, in characters (after Unicode NFC normalisation). */
export const MAX_ARTIFACT_PATH_LENGTH = 1024
/** Longest accepted segment of an artifact path: most file systems allow 255 bytes per name. */
export const MAX_ARTIFACT_SEGMENT_BYTES = 255
/** Most entries in one page of an artifact directory listing. */
export const MAX_ARTIFACT_PAGE = 1000
/** Most files in one dataset version's manifest. */
export const MAX_DATASET_FILES = 100_000
/** Most columns a dataset's schema and profile describe. */
export const MAX_DATASET_COLUMNS = 10_000
/** Most distinct values a categorical column's profile keeps. */
export const MAX_DATASET_CATEGORIES = 1000
/** Longest recorded source location of a dataset version. */
export const MAX_DATASET_SOURCE_LENGTH = 4096
