import { describe, expect, it } from 'vitest'
import { datasetInputOf, metricValueOf, runStatusOf } from './mlflow-source.js'

describe('reading MLflow values', () => {
  it("reads metric values as Python's float text and protobuf JSON write them", () => {
    expect(['0.5', '1e-05', 'nan', 'inf', '-inf', 'NaN', 'Infinity', '-Infinity', 3].map(metricValueOf)).toEqual([
      0.5,
      0.00001,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      3,
    ])
  })

  it('refuses metric text that is not a number', () => {
    expect(['', 'lots', '0.5x'].map(metricValueOf)).toEqual([undefined, undefined, undefined])
  })

  it("reads a run status as the file store's number or the REST API's name", () => {
    expect([1, 3, '4', 'KILLED', undefined, 9, 'DONE'].map(runStatusOf)).toEqual([
      'RUNNING',
      'FINISHED',
      'FAILED',
      'KILLED',
      'RUNNING',
      undefined,
      undefined,
    ])
  })

  it('turns a dataset name Provena does not allow into one it does, keeping the context tag', () => {
    expect(
      datasetInputOf(
        { name: ' my data/v2 ', digest: 'abc123', source_type: 'local', source: '{"uri": "x.csv"}' },
        { 'mlflow.data.context': 'training' },
      ),
    ).toEqual({
      name: 'my-data-v2-',
      digest: 'abc123',
      sourceType: 'local',
      source: '{"uri": "x.csv"}',
      context: 'training',
    })
  })
})
