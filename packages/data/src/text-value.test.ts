import { describe, expect, it } from 'vitest'
import { inferTextValue, parseIsoTimestamp, type ValueSink } from './text-value.js'

function infer(text: string): [string, unknown] {
  let result: [string, unknown] = ['none', undefined]
  const sink: ValueSink = {
    addInteger: (v) => (result = ['integer', v]),
    addFloat: (v) => (result = ['float', v]),
    addBoolean: (v) => (result = ['boolean', v]),
    addTimestamp: (v) => (result = ['timestamp', v]),
    addString: (v) => (result = ['string', v]),
  }
  // Embedded in other text, as a CSV field is in its chunk: the neighbours must not leak in.
  const padded = `9${text}9`
  inferTextValue(padded, 1, 1 + text.length, sink)
  return result
}

describe('inferTextValue', () => {
  it.each([
    ['0', ['integer', 0]],
    ['-42', ['integer', -42]],
    ['+7', ['integer', 7]],
    ['007', ['integer', 7]],
    ['12345678901234567890', ['integer', Number('12345678901234567890')]],
    ['1.5', ['float', 1.5]],
    ['-0.001', ['float', -0.001]],
    ['.5', ['float', 0.5]],
    ['3.', ['float', 3]],
    ['1e3', ['float', 1000]],
    ['-2.5E-3', ['float', -0.0025]],
    ['0.1234567890123456789', ['float', Number('0.1234567890123456789')]],
    ['true', ['boolean', true]],
    ['FALSE', ['boolean', false]],
    ['True', ['boolean', true]],
    ['2024-02-29', ['timestamp', Date.UTC(2024, 1, 29)]],
    ['2024-03-01T12:30', ['timestamp', Date.UTC(2024, 2, 1, 12, 30)]],
    ['2024-03-01 12:30:15', ['timestamp', Date.UTC(2024, 2, 1, 12, 30, 15)]],
    ['2024-03-01T12:30:15.1239Z', ['timestamp', Date.UTC(2024, 2, 1, 12, 30, 15, 123)]],
    ['2024-03-01T12:30:15+02:00', ['timestamp', Date.UTC(2024, 2, 1, 10, 30, 15)]],
    ['2024-03-01T12:30:15-0130', ['timestamp', Date.UTC(2024, 2, 1, 14, 0, 15)]],
    ['0050-01-01', ['timestamp', Date.parse('0050-01-01T00:00:00Z')]],
  ])('reads %j as %j', (text, expected) => {
    expect(infer(text)).toEqual(expected)
  })

  it.each([
    '-',
    '+',
    '.',
    '1e',
    '1.2.3',
    '12abc',
    ' 12',
    '0x10',
    'NaN',
    'Infinity',
    '1e400',
    'yes',
    'truth',
    '2023-02-29',
    '2024-13-01',
    '2024-01-01T25:00',
    '2024-01-01T10:00+25:00',
    '2024-01-01X10:00',
    'x; DROP TABLE y; --',
  ])('keeps %j as a string', (text) => {
    expect(infer(text)).toEqual(['string', text])
  })

  it('finds no timestamp in a shorter or malformed date', () => {
    expect(parseIsoTimestamp('2024-1-01', 0, 9)).toBeNaN()
    expect(parseIsoTimestamp('2024-01-01T', 0, 11)).toBeNaN()
  })
})
