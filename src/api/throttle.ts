/**
 * API throttling as Step Functions applies it: a token bucket per API action, each request takes a
 * token, and a request that finds its bucket empty is answered `ThrottlingException` ("Rate
 * exceeded", HTTP 400) without running. A bucket holds at most its burst size and refills
 * continuously at its rate per second. Off unless configured (`--api-throttle`): a local server
 * has no neighbours to protect by default, but a shared one does, and a client's retry logic
 * deserves a test against a server that throttles.
 *
 *   StartExecution=800/150, SendTaskSuccess+SendTaskFailure+SendTaskHeartbeat=3000/500, *=100/20
 *
 * `A+B=burst/rate` makes the actions share one bucket; `*` gives every action not named its own
 * bucket of that size.
 */
import { ApiError } from './errors.js';
import { isActionName } from './operations/index.js';

export interface BucketSize {
  /** Tokens the bucket holds when full: the burst it allows. */
  burst: number;
  /** Tokens added per second: the sustained rate. */
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly size: BucketSize,
    private readonly now: () => number,
  ) {
    this.tokens = size.burst;
    this.last = now();
  }

  /** Takes a token if there is one. */
  take(): boolean {
    const now = this.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.size.burst, this.tokens + elapsed * this.size.refillPerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class ThrottleSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThrottleSpecError';
  }
}

export class ApiThrottle {
  private readonly buckets = new Map<string, TokenBucket>();

  private constructor(
    private readonly named: Map<string, TokenBucket>,
    private readonly others: BucketSize | undefined,
    private readonly now: () => number,
  ) {}

  /** Parses a specification (see the module comment); unknown action names are refused. */
  static parse(spec: string, now: () => number = Date.now): ApiThrottle {
    const named = new Map<string, TokenBucket>();
    let others: BucketSize | undefined;
    const entries = spec
      .split(/[,\s]+/)
      .map((e) => e.trim())
      .filter((e) => e !== '');
    if (entries.length === 0) throw new ThrottleSpecError('the API throttle specification is empty');
    for (const entry of entries) {
      const match = /^([^=]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(entry);
      if (!match)
        throw new ThrottleSpecError(
          `'${entry}' in the API throttle specification is not <Action>[+<Action>...]=<burst>/<refill per second> or *=<burst>/<refill per second>`,
        );
      const size = { burst: Number(match[2]), refillPerSecond: Number(match[3]) };
      if (size.burst < 1) throw new ThrottleSpecError(`'${entry}': the burst must be at least 1`);
      const names = (match[1] as string).split('+');
      if (names.length === 1 && names[0] === '*') {
        others = size;
        continue;
      }
      const bucket = new TokenBucket(size, now);
      for (const name of names) {
        if (!isActionName(name))
          throw new ThrottleSpecError(`'${name}' in the API throttle specification is not a Step Functions API action`);
        if (named.has(name)) throw new ThrottleSpecError(`'${name}' appears twice in the API throttle specification`);
        named.set(name, bucket);
      }
    }
    return new ApiThrottle(named, others, now);
  }

  /** Takes a token for the action, or throws ThrottlingException. */
  take(action: string): void {
    const bucket = this.named.get(action) ?? this.otherBucket(action);
    if (bucket && !bucket.take()) throw new ApiError('ThrottlingException', 'Rate exceeded');
  }

  private otherBucket(action: string): TokenBucket | undefined {
    if (!this.others) return undefined;
    let bucket = this.buckets.get(action);
    if (!bucket) {
      bucket = new TokenBucket(this.others, this.now);
      this.buckets.set(action, bucket);
    }
    return bucket;
  }
}
