/** Distinct line colours, one per run, that keep 3:1 contrast on both themes' backgrounds. */
export const LINE_COLORS = ['#3b6fe0', '#e0663b', '#1f9d6b', '#b54cc9', '#c99a1c', '#d6435b', '#2aa3b8', '#7a7f8c']
