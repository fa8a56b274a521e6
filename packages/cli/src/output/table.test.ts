import { describe, expect, it } from 'vitest'
import { formatTable } from './table.js'

describe('formatTable', () => {
  it('aligns cells under their headers, two spaces apart, without trailing spaces', () => {
    const text = formatTable(
      [{ header: 'ID' }, { header: 'NAME' }, { header: 'N', align: 'right' }],
      [
        ['1', 'baseline', '7'],
        ['12', 'resnet', '100'],
      ],
    )

    expect(text).toBe('ID  NAME        N\n1   baseline    7\n12  resnet    100\n')
  })

  it('cuts a cell longer than its column allows and ends it with an ellipsis', () => {
    const text = formatTable([{ header: 'NAME', maxWidth: 6 }], [['abcdefghij']])

    expect(text).toBe('NAME\nabcde…\n')
  })

  it('puts a multi-line value on one line so rows stay rows', () => {
    const text = formatTable([{ header: 'DESCRIPTION' }], [['first\nsecond']])

    expect(text).toBe('DESCRIPTION\nfirst second\n')
  })

  it('leaves the header out when asked', () => {
    const text = formatTable([{ header: 'K' }, { header: 'V' }], [['name', 'x']], { showHeader: false })

    expect(text).toBe('name  x\n')
  })

  it('does not split a character made of two UTF-16 units when cutting', () => {
    const text = formatTable([{ header: 'X', maxWidth: 3 }], [['😀😀😀😀']])

    expect(text).toBe('X\n😀😀…\n')
  })
})
