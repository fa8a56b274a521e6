import { createInterface } from 'node:readline'
import { CliError } from './cli-error.js'
import type { CliIo, TextSink, TextSource } from './cli-io.js'

const ENTER = new Set(['\r', '\n', '\u0004'])
const CTRL_C = '\u0003'
const BACKSPACE = new Set(['\u007f', '\b'])

/** Whether a person types the input, so a prompt is shown and typing can be hidden. */
export function isInteractive(io: CliIo): boolean {
  return io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function'
}

/**
 * The first line of standard input, without its line ending: how a script hands over a password
 * (`echo "$PW" | provena login`). Reading stops there; the rest of the input is not consumed.
 */
export async function readLine(stdin: TextSource, what: string): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    const end = text.indexOf('\n')
    if (end >= 0) return text.slice(0, end).replace(/\r$/, '')
  }
  text += decoder.decode()
  if (text === '') throw new CliError(`expected ${what} on standard input, but it was empty`)
  return text.replace(/\r$/, '')
}

/** Asks for a visible answer on the terminal (which echoes it). */
export async function ask(io: CliIo, question: string): Promise<string> {
  io.stderr.write(question)
  const lines = createInterface({ input: io.stdin, terminal: false })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve)
      lines.once('close', () => reject(new CliError('no answer given')))
    })
    return line.trim()
  } finally {
    lines.close()
  }
}

/** A password: typed without echo on a terminal, else the first line of standard input. */
export async function readPassword(io: CliIo, prompt: string): Promise<string> {
  if (!isInteractive(io)) return readLine(io.stdin, 'a password')
  io.stderr.write(prompt)
  return readHiddenLine(io.stdin, io.stderr)
}

// Raw mode turns off the terminal's echo and line editing, so backspace is handled here; it also
// turns Ctrl+C into a plain character instead of SIGINT.
function readHiddenLine(stdin: TextSource, stderr: TextSink): Promise<string> {
  const decoder = new TextDecoder()
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (settle: () => void) => {
      stdin.off('data', onData)
      stdin.setRawMode?.(false)
      stdin.pause()
      stderr.write('\n')
      settle()
    }
    const onData = (chunk: string | Buffer) => {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
      for (const char of text) {
        if (ENTER.has(char)) return finish(() => resolve(typed))
        if (char === CTRL_C) return finish(() => reject(new CliError('cancelled')))
        if (BACKSPACE.has(char)) typed = [...typed].slice(0, -1).join('')
        else if (char >= ' ') typed += char
      }
    }
    stdin.setRawMode?.(true)
    stdin.on('data', onData)
    stdin.resume()
  })
}
