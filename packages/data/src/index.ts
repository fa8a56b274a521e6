export { detectFormat, type TabularFormat } from './detect-format.js'
export { type ProfileInput, type ProfileOptions, type ProfileProgress, profileFiles } from './profile-files.js'
