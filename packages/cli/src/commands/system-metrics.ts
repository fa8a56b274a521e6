import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import os from 'node:os'

/** One sample: metric key (below `system/`) to value. */
export type SystemSample = Record<string, number>

/** CPU time (s) and resident memory (bytes) of a process and all its descendants. */
interface TreeUsage {
  cpuSeconds: number
  rssBytes: number
}

// Linux reports CPU times in clock ticks of USER_HZ, which is 100 on every mainstream kernel build.
const CLOCK_TICKS_PER_SECOND = 100

/** Reads /proc (Linux): every process's parent and CPU time, then the resident memory of `rootPid`'s tree. */
async function processTreeUsage(rootPid: number): Promise<TreeUsage | undefined> {
  const entries = await readdir('/proc').catch(() => undefined)
  if (entries === undefined) return undefined
  const children = new Map<number, number[]>()
  const cpuTicks = new Map<number, number>()
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => undefined)
        if (stat === undefined) return
        // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are fixed.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const pid = Number(name)
        // A zombie (exited, not yet reaped) has no memory left to report.
        if (fields[0] === 'Z') return
        const ppid = Number(fields[1])
        cpuTicks.set(pid, Number(fields[11]) + Number(fields[12]))
        children.set(ppid, [...(children.get(ppid) ?? []), pid])
      }),
  )
  if (!cpuTicks.has(rootPid)) return undefined
  const tree: number[] = []
  for (const queue = [rootPid]; queue.length > 0; ) {
    const pid = queue.pop() as number
    tree.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  let rssBytes = 0
  for (const pid of tree) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    rssBytes += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024
  }
  const ticks = tree.reduce((sum, pid) => sum + (cpuTicks.get(pid) ?? 0), 0)
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes }
}

function machineCpuTimes(): { idle: number; total: number } {
  let idle = 0
  let total = 0
  for (const cpu of os.cpus()) {
    const t = cpu.times
    idle += t.idle
    total += t.user + t.nice + t.sys + t.idle + t.irq
  }
  return { idle, total }
}

/** `nvidia-smi`'s utilisation and memory per GPU; undefined when it is not installed or fails. */
function gpuSample(): Promise<SystemSample | undefined> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,utilization.gpu,memory.used', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
      (error, stdout) => {
        if (error) return resolve(undefined)
        resolve(parseNvidiaSmi(stdout))
      },
    )
  })
}

/** Parses `index, utilization %, memory MiB` lines of nvidia-smi into `gpu_<i>_…` metrics. */
function parseNvidiaSmi(csv: string): SystemSample {
  const sample: SystemSample = {}
  for (const line of csv.split('\n')) {
    const [index, utilization, memory] = line.split(',').map((field) => field.trim())
    if (index === undefined || !/^\d+$/.test(index)) continue
    const util = Number(utilization)
    const mem = Number(memory)
    if (Number.isFinite(util)) sample[`gpu_${index}_utilization_percentage`] = util
    if (Number.isFinite(mem)) sample[`gpu_${index}_memory_usage_megabytes`] = mem
  }
  return sample
}

/**
 * Samples every `intervalMs`: the child tree's CPU % (100 = one core busy) and RSS, the machine's
 * CPU % and used memory, and each GPU's utilisation and memory when nvidia-smi answers. The first
 * sample is taken at once (without CPU %, which needs two readings).
 */
export function startSystemMetrics(
  rootPid: number,
  intervalMs: number,
  record: (sample: SystemSample, step: number) => void,
): { stop(): Promise<void> } {
  let step = 0
  let hasGpu = true
  let previous: { atMs: number; tree: TreeUsage | undefined; cpu: { idle: number; total: number } } | undefined
  let running: Promise<void> = Promise.resolve()

  async function sample(): Promise<void> {
    const atMs = Date.now()
    const tree = await processTreeUsage(rootPid)
    const cpu = machineCpuTimes()
    const values: SystemSample = {
      system_memory_usage_megabytes: (os.totalmem() - os.freemem()) / 1024 / 1024,
    }
    if (tree) values.process_rss_megabytes = tree.rssBytes / 1024 / 1024
    if (previous) {
      const busy = cpu.total - previous.cpu.total - (cpu.idle - previous.cpu.idle)
      const total = cpu.total - previous.cpu.total
      if (total > 0) values.cpu_utilization_percentage = (100 * busy) / total
      const seconds = (atMs - previous.atMs) / 1000
      if (tree && previous.tree && seconds > 0) {
        values.process_cpu_percentage = (100 * Math.max(0, tree.cpuSeconds - previous.tree.cpuSeconds)) / seconds
      }
    }
    if (hasGpu) {
      const gpu = await gpuSample()
      if (gpu === undefined) hasGpu = false
      else Object.assign(values, gpu)
    }
    previous = { atMs, tree, cpu }
    record(values, step++)
  }

  const tick = () => {
    running = running.then(sample).catch(() => {})
  }
  tick()
  const timer = setInterval(tick, intervalMs)
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
