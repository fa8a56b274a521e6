import v8 from 'node:v8'

/**
 * Turns off V8's incremental marking for the whole process (the ingestion thread and every worker
 * included): a full collection then runs when the old generation reaches its limit, as one pause
 * (its marking still shared with V8's helper threads), instead of being started early and spread
 * over many small steps.
 *
 * Why: a large upload or download leaves garbage at a high rate (one Buffer per 64 KiB the socket
 * receives, one per MiB read from disk). In every run measured with the defaults, V8 (Node 20) fell
 * into a loop of incremental full collections although the heap stayed at ~36 MiB: ~50
 * mark-compacts during one 2 GiB transfer, one every ~150 ms, each started by V8's marking
 * heuristics, while its helper threads spent 5–8 CPU-seconds marking. Turning off parallel
 * scavenges, the marking task or the memory reducer still left it in some runs; turning off
 * incremental marking ended it in every run: 0–1 mark-compacts per transfer, and the server used
 * half (uploads) to a third (downloads) of the CPU time. The `artifacts` bench moved 2 GiB at
 * 448 MB/s up and 582 MB/s down, against 275 and 312 with V8's default; `ingest` measured the
 * same either way (docs/artifacts.md, docs/operations.md). The cost is the length of the rarer
 * full pauses: tens of milliseconds for this server's heap of tens of MiB.
 *
 * V8 reads the flag each time it considers starting to mark, so setting it after start-up takes
 * effect from then on; a marking already under way finishes as usual.
 */
export function tuneGarbageCollection(): void {
  v8.setFlagsFromString('--no-incremental-marking')
}
