export { detectFormat, type TabularFormat } from './detect-format.js'
export { type ProfileInput, type ProfileProgress, profileFiles } from './profile-files.js'
