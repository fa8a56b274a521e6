const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'daring', 'eager', 'gentle', 'glad', 'golden', 'honest',
  'jolly', 'keen', 'lively', 'lucky', 'merry', 'mighty', 'nimble', 'polite', 'proud', 'quiet', 'rapid', 'rustic',
  'silent', 'sleek', 'smart', 'steady', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'witty', 'zesty',
]
const NOUNS = [
  'badger', 'bear', 'bison', 'crane', 'deer', 'dolphin', 'eagle', 'falcon', 'fox', 'gecko', 'heron', 'ibis',
  'jaguar', 'koala', 'lark', 'lemur', 'lynx', 'moose', 'newt', 'otter', 'owl', 'panda', 'puffin', 'quail',
  'raven', 'robin', 'seal', 'shark', 'sparrow', 'swan', 'tiger', 'toad', 'trout', 'whale', 'wolf', 'yak',
]

/** A readable name such as `swift-otter-417` for a run created without one (MLflow does the same). */
export function generateRunName(random: () => number = Math.random): string {
  const pick = (words: string[]) => words[Math.floor(random() * words.length)] ?? words[0]
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(random() * 1000)}`
}
