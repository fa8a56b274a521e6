import { spawn } from 'node:child_process'

/** What a finished helper command printed. */
export interface CommandOutput {
  code: number | null
  stdout: string
  stderr: string
  /** True when stdout went past `maxStdoutBytes` and the rest was not read. */
  isCut: boolean
}

/**
 * Runs a program (no shell) and collects its output, stopping it after `timeoutMs` and reading at
 * most `maxStdoutBytes` of stdout; a program that cannot be started rejects (e.g. ENOENT).
 */
export function runCommand(
  program: string,
  args: string[],
  { cwd, timeoutMs, maxStdoutBytes = 1024 * 1024 }: { cwd?: string; timeoutMs: number; maxStdoutBytes?: number },
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
    const chunks: Buffer[] = []
    let size = 0
    let isCut = false
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      if (isCut) return
      const room = maxStdoutBytes - size
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room))
        size += room
        isCut = true
        child.kill('SIGTERM')
        return
      }
      chunks.push(chunk)
      size += chunk.length
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8')
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8'), stderr, isCut }))
  })
}
