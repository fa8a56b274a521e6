import type { DatasetFile } from '@provena/contract'
import { compareUtf8 } from './dataset-manifest-order.js'

/**
 * Which paths `actual` has that `expected` has not (`added`), the reverse (`removed`), and which
 * both have with a different size or sha256 (`changed`); each sorted by the UTF-8 bytes of the path.
 */
export function diffManifests(
  expected: readonly DatasetFile[],
  actual: readonly DatasetFile[],
): { added: string[]; removed: string[]; changed: string[] } {
  const expectedByPath = new Map(expected.map((file) => [file.path, file]))
  const actualPaths = new Set<string>()
  const added: string[] = []
  const changed: string[] = []
  for (const file of actual) {
    if (actualPaths.has(file.path)) continue
    actualPaths.add(file.path)
    const before = expectedByPath.get(file.path)
    if (!before) added.push(file.path)
    else if (before.sha256 !== file.sha256 || before.sizeBytes !== file.sizeBytes) changed.push(file.path)
  }
  const removed = [...expectedByPath.keys()].filter((p) => !actualPaths.has(p))
  return { added: added.sort(compareUtf8), removed: removed.sort(compareUtf8), changed: changed.sort(compareUtf8) }
}
