import { z } from 'zod'
import { ExperimentId, Key, Lifecycle, PageToken, ViewType } from './common.js'
import { MAX_NAME_LENGTH, MAX_PAGE_SIZE, MAX_TAG_VALUE_LENGTH } from './limits.js'

export const ExperimentName = z.string().trim().min(1).max(MAX_NAME_LENGTH)

const TagValues = z.record(Key, z.string().max(MAX_TAG_VALUE_LENGTH))

export const Experiment = z.object({
  id: ExperimentId,
  name: z.string(),
  description: z.string().nullable(),
  lifecycle: Lifecycle,
  tags: z.record(z.string(), z.string()),
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
})
export type Experiment = z.infer<typeof Experiment>

export const CreateExperimentBody = z.object({
  name: ExperimentName,
  description: z.string().max(20_000).optional(),
  tags: TagValues.optional(),
})
export type CreateExperimentBody = z.infer<typeof CreateExperimentBody>

/** Changes to an experiment; `tags` entries set a tag, a `null` value deletes it. */
export const UpdateExperimentBody = z.object({
  name: ExperimentName.optional(),
  description: z.string().max(20_000).nullable().optional(),
  tags: z.record(Key, z.string().max(MAX_TAG_VALUE_LENGTH).nullable()).optional(),
})
export type UpdateExperimentBody = z.infer<typeof UpdateExperimentBody>

export const ExperimentParams = z.object({ experimentId: ExperimentId })
export const ExperimentNameParams = z.object({ name: ExperimentName })

export const ListExperimentsQuery = z.object({
  view: ViewType.default('active'),
  nameLike: z.string().max(MAX_NAME_LENGTH).optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type ListExperimentsQuery = z.input<typeof ListExperimentsQuery>

export const ExperimentResponse = z.object({ experiment: Experiment })
export type ExperimentResponse = z.infer<typeof ExperimentResponse>

export const ListExperimentsResponse = z.object({
  experiments: z.array(Experiment),
  nextPageToken: z.string().nullable(),
})
export type ListExperimentsResponse = z.infer<typeof ListExperimentsResponse>
