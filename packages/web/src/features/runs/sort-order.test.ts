import { describe, expect, it } from 'vitest'
import { nextOrder, orderClause, sortedColumn } from './sort-order'

describe('sort order of the runs table', () => {
  it('writes order-by clauses the filter language reads back, keys quoted', () => {
    expect(orderClause('metrics.val loss', 'DESC')).toBe('metrics.`val loss` DESC')
    expect(orderClause('start_time', 'ASC')).toBe('attributes.start_time ASC')
    expect(sortedColumn(orderClause('metrics.val loss', 'DESC'))).toEqual({
      columnId: 'metrics.val loss',
      direction: 'DESC',
    })
    expect(sortedColumn('params.lr')).toEqual({ columnId: 'params.lr', direction: 'ASC' })
  })

  it('reads no column from an empty or invalid clause', () => {
    expect(sortedColumn('')).toBeNull()
    expect(sortedColumn('metrics.')).toBeNull()
  })

  it('cycles a header click: metrics high first, then low first, then unsorted', () => {
    const first = nextOrder('', 'metrics.acc')
    expect(first).toBe('metrics.`acc` DESC')
    const second = nextOrder(first, 'metrics.acc')
    expect(second).toBe('metrics.`acc` ASC')
    expect(nextOrder(second, 'metrics.acc')).toBe('')
  })

  it('sorts names A to Z first, and switches columns on a click elsewhere', () => {
    expect(nextOrder('metrics.`acc` DESC', 'run_name')).toBe('attributes.run_name ASC')
    expect(nextOrder('attributes.run_name ASC', 'run_name')).toBe('attributes.run_name DESC')
  })
})
