import { describe, expect, it } from 'vitest'
import { matchRoute, paths } from './routes'

describe('the dataset pages of the router', () => {
  it('matches the list, a dataset, a version and the drift report', () => {
    expect(matchRoute('/datasets')).toEqual({ page: 'datasets' })
    expect(matchRoute('/datasets/churn.v2_raw')).toEqual({ page: 'dataset', name: 'churn.v2_raw' })
    expect(matchRoute('/datasets/churn/12')).toEqual({ page: 'dataset-version', name: 'churn', version: 12 })
    expect(matchRoute('/datasets/churn/compare')).toEqual({ page: 'dataset-compare', name: 'churn' })
  })

  it('does not match a version that is not a positive number or a name the server would refuse', () => {
    expect(matchRoute('/datasets/churn/0')).toEqual({ page: 'not-found' })
    expect(matchRoute('/datasets/churn/latest')).toEqual({ page: 'not-found' })
    expect(matchRoute('/datasets/.hidden')).toEqual({ page: 'not-found' })
  })

  it('spells the paths it matches', () => {
    expect(paths.datasetCompare('churn', { reference: 1, current: 3 })).toBe('/datasets/churn/compare?a=1&b=3')
    expect(matchRoute(paths.datasetVersion('churn', 4))).toEqual({ page: 'dataset-version', name: 'churn', version: 4 })
  })
})
