export { datasetDigest } from './dataset-digest.js'
export { buildManifest, type HashProgress } from './dataset-manifest.js'
export { compareProfiles, type ProfiledSide } from './drift-report.js'
export { diffManifests } from './manifest-diff.js'
