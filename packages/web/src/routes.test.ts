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

describe('the model pages of the router', () => {
  it('matches the list, a model and a version, with names that need encoding', () => {
    expect(matchRoute('/models')).toEqual({ page: 'models' })
    expect(matchRoute('/models/churn')).toEqual({ page: 'model', name: 'churn' })
    expect(matchRoute('/models/churn/3')).toEqual({ page: 'model-version', name: 'churn', version: 3 })
    expect(matchRoute(paths.model('churn classifier'))).toEqual({ page: 'model', name: 'churn classifier' })
    expect(matchRoute(paths.modelVersion('ünï code', 2))).toEqual({
      page: 'model-version',
      name: 'ünï code',
      version: 2,
    })
  })

  it('does not match a version that is not a positive number or a name the server would refuse', () => {
    expect(matchRoute('/models/churn/0')).toEqual({ page: 'not-found' })
    expect(matchRoute('/models/churn/latest')).toEqual({ page: 'not-found' })
    expect(matchRoute('/models/a%40b')).toEqual({ page: 'not-found' })
    expect(matchRoute('/models/%E0%A4%A')).toEqual({ page: 'not-found' })
  })

  it('keeps the chosen model card in the URL', () => {
    expect(paths.model('churn', 2)).toBe('/models/churn?card=2')
    expect(paths.model('churn')).toBe('/models/churn')
  })
})

describe('the lineage page of the router', () => {
  it('matches /lineage and spells its state in the query', () => {
    expect(matchRoute('/lineage')).toEqual({ page: 'lineage' })
    expect(matchRoute('/lineage/')).toEqual({ page: 'lineage' })
    expect(paths.lineage({})).toBe('/lineage')
    expect(paths.lineage({ ref: 'datasets:/customers@1', depth: 3 })).toBe(
      '/lineage?ref=datasets%3A%2Fcustomers%401&depth=3',
    )
  })
})
