/** Somewhere text can be written: process.stdout in the bin, a buffer in a test. */
export interface TextSink {
  write(text: string): unknown
  /** Whether a person is watching (a terminal), so progress and prompts make sense. */
  isTTY?: boolean
}

/** Where a command reads a password from: a terminal (read without echo) or a pipe. */
export type TextSource = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(isRaw: boolean): unknown }

export type ShutdownSignal = 'SIGTERM' | 'SIGINT'

/** Everything a command touches outside its arguments, passed in so the program can be driven from a test. */
export interface CliIo {
  stdin: TextSource
  stdout: TextSink
  stderr: TextSink
  /** Environment for PROVENA_* defaults; `undefined` means the process environment. */
  env?: NodeJS.ProcessEnv | undefined
  onSignal(signal: ShutdownSignal, handler: () => void): void
  /** Ends the process at once, for a second shutdown signal. */
  exit(code: number): void
}
