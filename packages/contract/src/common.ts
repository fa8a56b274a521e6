import { z } from 'zod'
import { MAX_KEY_LENGTH } from './limits.js'

/**
 * Keys of params, metrics and tags: letters, digits, `_ - . / :` and spaces, as MLflow allows,
 * so that they can always be named in a search filter and used as a file name.
 */
export const Key = z
  .string()
  .min(1)
  .max(MAX_KEY_LENGTH)
  .regex(/^[\w\-./: ]+$/, 'may contain only letters, digits, spaces and _ - . / :')
  // A pattern rather than a refine() on split('/'): every metric point of a batch is checked, and
  // this costs a fraction of the split (it also shows up in the OpenAPI document).
  .regex(/^(?!(?:.*\/)?\.\.(?:\/|$))/, 'may not contain a ".." path segment')

/** Experiment ids are decimal strings, as in MLflow; `0` is the Default experiment. */
export const ExperimentId = z.string().regex(/^\d{1,18}$/, 'must be a decimal id')
export type ExperimentId = z.infer<typeof ExperimentId>

/** Run ids are 32 lowercase hex characters, as in MLflow. */
export const RunId = z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters')
export type RunId = z.infer<typeof RunId>

export const Lifecycle = z.enum(['active', 'deleted'])
export type Lifecycle = z.infer<typeof Lifecycle>

/** Which lifecycle states a list or search includes. */
export const ViewType = z.enum(['active', 'deleted', 'all'])
export type ViewType = z.infer<typeof ViewType>

export const TagMap = z.record(Key, z.string())
export type TagMap = z.infer<typeof TagMap>

export const PageToken = z.string().max(200)

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})
export type ErrorBody = z.infer<typeof ErrorBody>
