import { type Clock, type IdGenerator, randomIds, systemClock } from './domain/clock.js'
import { createExperimentsService } from './domain/experiments/experiments-service.js'
import { createMetricsService } from './domain/metrics/metrics-service.js'
import { createRunsService } from './domain/runs/runs-service.js'
import { createRunSearchService } from './domain/search/run-search-service.js'
import type { Store } from './storage/store.js'

/** Every domain service, built over one store. */
export function createServices({
  store,
  clock = systemClock,
  ids = randomIds,
}: {
  store: Store
  clock?: Clock
  ids?: IdGenerator
}) {
  return {
    store,
    experiments: createExperimentsService({ store, clock }),
    runs: createRunsService({ store, clock, ids }),
    metrics: createMetricsService({ store, clock }),
    runSearch: createRunSearchService({ store }),
  }
}

export type Services = ReturnType<typeof createServices>
