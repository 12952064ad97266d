/**
 * Store faults: errors that say the store itself cannot write (disk full, I/O error, read-only,
 * corrupt, database gone), as opposed to errors of one commit. While the store is faulted the
 * commit queue holds its work and probes with backoff, writes answer 503 ServiceUnavailable, reads
 * keep working, and /healthz reports the fault. The fault is logged once, and once on recovery.
 */

export type StoreFaultKind = 'full' | 'ioerr' | 'readonly' | 'corrupt' | 'notadb' | 'connection' | 'cantopen';

export interface StoreFault {
  kind: StoreFaultKind;
  /** The driver's code (SQLITE_FULL, 53100, ECONNREFUSED...). */
  code: string;
  message: string;
}

const SQLITE_PREFIXES: ReadonlyArray<[string, StoreFaultKind]> = [
  ['SQLITE_FULL', 'full'],
  ['SQLITE_IOERR', 'ioerr'],
  ['SQLITE_READONLY', 'readonly'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'notadb'],
  ['SQLITE_CANTOPEN', 'cantopen'],
];

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

/** What kind of store fault an error is, or undefined for an error of the commit itself. */
export function classifyStoreFault(error: unknown): StoreFault | undefined {
  if (error instanceof StoreUnavailableError) return error.fault;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') {
    if (/Connection terminated|connection.*(closed|lost)/i.test(message))
      return { kind: 'connection', code: 'CONNECTION', message };
    return undefined;
  }
  for (const [prefix, kind] of SQLITE_PREFIXES) if (code.startsWith(prefix)) return { kind, code, message };
  if (code === '53100') return { kind: 'full', code, message };
  if (code === '58030') return { kind: 'ioerr', code, message };
  if (code === '25006') return { kind: 'readonly', code, message };
  if (CONNECTION_CODES.has(code)) return { kind: 'connection', code, message };
  return undefined;
}

const DESCRIPTIONS: Record<StoreFaultKind, string> = {
  full: 'the disk is full',
  ioerr: 'an I/O error',
  readonly: 'the database is read-only',
  corrupt: 'the database is corrupt',
  notadb: 'the file is not a database',
  connection: 'the database connection was lost',
  cantopen: 'the database cannot be opened',
};

export function describeFault(fault: StoreFault): string {
  return `${DESCRIPTIONS[fault.kind]} (${fault.code})`;
}

/** Thrown to a writer while the store is faulted: answered as 503 ServiceUnavailable. */
export class StoreUnavailableError extends Error {
  constructor(
    readonly fault: StoreFault,
    readonly file: string | undefined,
  ) {
    super(`The store cannot write: ${describeFault(fault)}${file ? ` at ${file}` : ''}; retry later`);
  }
}

interface FaultLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const FIRST_PROBE_MS = 100;
export const MAX_PROBE_MS = 10_000;

/** The store's health as the commit path last saw it. */
export class StoreHealth {
  fault: StoreFault | undefined;
  since: number | undefined;
  private probeMs = FIRST_PROBE_MS;
  private nextProbeAt = 0;

  constructor(
    readonly file: string | undefined,
    private readonly log?: FaultLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** A write failed with a fault: the delay before the next probe (logged on the first only). */
  faulted(fault: StoreFault): number {
    if (!this.fault) {
      this.since = this.now();
      this.log?.error({ fault: fault.code, file: this.file }, `store faulted: ${describeFault(fault)}; holding writes`);
    }
    this.fault = fault;
    const delay = this.probeMs;
    this.nextProbeAt = this.now() + delay;
    this.probeMs = Math.min(this.probeMs * 2, MAX_PROBE_MS);
    return delay;
  }

  /** A write succeeded. */
  ok(): void {
    if (!this.fault) return;
    this.log?.info({ fault: this.fault.code, file: this.file, ms: this.now() - (this.since ?? 0) }, 'store recovered');
    this.fault = undefined;
    this.since = undefined;
    this.probeMs = FIRST_PROBE_MS;
  }

  unavailable(): StoreUnavailableError | undefined {
    return this.fault ? new StoreUnavailableError(this.fault, this.file) : undefined;
  }

  /** While faulted: an error for a new write, unless it is time to let one through as a probe. */
  refuse(): StoreUnavailableError | undefined {
    if (!this.fault || this.now() >= this.nextProbeAt) return undefined;
    return this.unavailable();
  }

  /** What /healthz reports. */
  report(): { status: 'ok' } | { status: 'faulted'; fault: string; code: string; file?: string; since?: number } {
    if (!this.fault) return { status: 'ok' };
    return {
      status: 'faulted',
      fault: describeFault(this.fault),
      code: this.fault.code,
      ...(this.file ? { file: this.file } : {}),
      ...(this.since !== undefined ? { since: this.since } : {}),
    };
  }
}
