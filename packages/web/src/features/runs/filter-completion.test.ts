import { describe, expect, it } from 'vitest'
import { completeFilter } from './filter-completion'

const keys = { params: ['lr', 'layers'], metrics: ['loss', 'val loss', 'acc'], tags: ['team'] }
const at = (text: string) => completeFilter(text, text.length, keys)

describe('filter completion', () => {
  it('offers the entities at the start of a comparison', () => {
    expect(at('me')).toEqual({ from: 0, to: 2, suggestions: ['metrics.'] })
    expect(at("params.lr = '1' and t")?.suggestions).toEqual(['tags.'])
  })

  it('offers keys of the entity typed, quoting keys with spaces', () => {
    expect(at('metrics.')?.suggestions).toEqual(['metrics.loss', 'metrics.`val loss`', 'metrics.acc'])
    expect(at('metrics.v')).toEqual({ from: 0, to: 9, suggestions: ['metrics.`val loss`'] })
    expect(at('params.la')?.suggestions).toEqual(['params.layers'])
    expect(at('attributes.st')?.suggestions).toEqual(['attributes.status', 'attributes.start_time'])
  })

  it('replaces the whole word under the cursor', () => {
    expect(completeFilter('metrics.lo < 1', 9, keys)).toEqual({ from: 0, to: 10, suggestions: ['metrics.loss'] })
  })

  it('offers nothing for values, unknown entities or a complete key', () => {
    expect(at('metrics.loss < 0.')).toBeNull()
    expect(at('foo.')).toBeNull()
    expect(at('metrics.acc')).toBeNull()
  })
})
