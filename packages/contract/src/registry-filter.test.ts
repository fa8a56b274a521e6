import { describe, expect, it } from 'vitest'
import { InvalidInputError } from './errors.js'
import { parseRegistryFilter, parseRegistryOrderBy } from './registry-filter.js'

describe('parseRegistryFilter', () => {
  it('reads name comparisons, tags with backticked keys, and AND', () => {
    expect(
      parseRegistryFilter(
        `name ILIKE '%churn%' and tags.\`my team\` = "ml" AND tags.stage != 'x'`,
        'registered_models',
      ),
    ).toEqual([
      { field: 'name', op: 'ILIKE', value: '%churn%' },
      { field: 'tag', key: 'my team', op: '=', value: 'ml' },
      { field: 'tag', key: 'stage', op: '!=', value: 'x' },
    ])
  })

  it('reads the version keys: run_id with IN, source_path and version_number', () => {
    expect(
      parseRegistryFilter(
        `name='m' AND run_id IN ('a', 'b') AND run_id NOT IN ('c') AND source_path LIKE 'runs:/%' AND version_number >= 2`,
        'model_versions',
      ),
    ).toEqual([
      { field: 'name', op: '=', value: 'm' },
      { field: 'runId', op: 'IN', values: ['a', 'b'] },
      { field: 'runId', op: 'NOT IN', values: ['c'] },
      { field: 'source', op: 'LIKE', value: 'runs:/%' },
      { field: 'version', op: '>=', value: 2 },
    ])
  })

  it('reads an empty filter as no clause', () => {
    expect(parseRegistryFilter('  ', 'model_versions')).toEqual([])
    expect(parseRegistryFilter(undefined, 'registered_models')).toEqual([])
  })

  it.each([
    ["run_id = 'x'", 'registered_models', "Invalid attribute key 'run_id'"],
    ["name > 'x'", 'registered_models', "'>' is not a comparator"],
    ['name = x', 'registered_models', 'expected a quoted string'],
    ["name = 'x' OR name = 'y'", 'registered_models', 'expected AND'],
    ["name = 'x' AND", 'registered_models', 'missing after AND'],
    ["name = 'x", 'registered_models', 'unterminated quote'],
    ["version_number = 'two'", 'model_versions', 'integer'],
    ["run_id IN 'a'", 'model_versions', 'parentheses'],
    ["run_id LIKE 'a%'", 'model_versions', "'LIKE' is not a comparator"],
    ["tags. = 'x'", 'registered_models', 'tag key is missing'],
  ] as const)('refuses %s', (filter, target, message) => {
    expect(() => parseRegistryFilter(filter, target)).toThrow(InvalidInputError)
    expect(() => parseRegistryFilter(filter, target)).toThrow(message)
  })
})

describe('parseRegistryOrderBy', () => {
  it('reads keys with ASC (the default) and DESC; timestamp is the last update', () => {
    expect(parseRegistryOrderBy(['name', 'timestamp DESC', 'version_number asc'], 'model_versions')).toEqual([
      { field: 'name', direction: 'asc' },
      { field: 'updatedAtMs', direction: 'desc' },
      { field: 'version', direction: 'asc' },
    ])
  })

  it('refuses version_number for models and unknown keys', () => {
    expect(() => parseRegistryOrderBy(['version_number'], 'registered_models')).toThrow('Invalid order_by clause')
    expect(() => parseRegistryOrderBy(['size DESC'], 'model_versions')).toThrow('Invalid order_by clause')
  })
})
