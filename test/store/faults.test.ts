/** Which errors are store faults, and how the store's health backs off and recovers (fake clock). */
import { describe, expect, it } from 'vitest';
import { classifyStoreFault, MAX_PROBE_MS, StoreHealth } from '../../src/store/faults.js';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyStoreFault', () => {
  it.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_IOERR_WRITE', 'ioerr'],
    ['SQLITE_READONLY', 'readonly'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'notadb'],
    ['53100', 'full'],
    ['ECONNREFUSED', 'connection'],
    ['57P01', 'connection'],
  ])('%s is a store fault of kind %s', (code, kind) => {
    expect(classifyStoreFault(coded(code))?.kind).toBe(kind);
  });

  it('an error of one commit (a constraint, a bug) is not a store fault', () => {
    expect(classifyStoreFault(coded('SQLITE_CONSTRAINT_PRIMARYKEY'))).toBeUndefined();
    expect(classifyStoreFault(new RangeError('Maximum call stack size exceeded'))).toBeUndefined();
    expect(classifyStoreFault(coded('23505'))).toBeUndefined();
  });

  it('a dropped PostgreSQL connection without a code is a store fault', () => {
    expect(classifyStoreFault(new Error('Connection terminated unexpectedly'))?.kind).toBe('connection');
  });
});

describe('StoreHealth', () => {
  it('backs off from 100 ms doubling to 10 s, logs the fault once and the recovery once', () => {
    let now = 0;
    const logged: string[] = [];
    const log = { error: (_: object, m: string) => logged.push(m), info: (_: object, m: string) => logged.push(m) };
    const health = new StoreHealth('/d/stepwise.db', log, () => now);
    const fault = classifyStoreFault(coded('SQLITE_FULL'))!;
    const delays = Array.from({ length: 10 }, () => health.faulted(fault));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 6400, MAX_PROBE_MS, MAX_PROBE_MS, MAX_PROBE_MS]);
    expect(health.report()).toMatchObject({ status: 'faulted', code: 'SQLITE_FULL', file: '/d/stepwise.db' });
    // Until the next probe is due, new writes are refused without touching the store.
    expect(health.refuse()).toBeDefined();
    now += MAX_PROBE_MS;
    expect(health.refuse()).toBeUndefined();
    health.ok();
    health.ok();
    expect(health.report()).toEqual({ status: 'ok' });
    expect(health.faulted(fault)).toBe(100);
    expect(logged.filter((m) => m.startsWith('store faulted'))).toHaveLength(2);
    expect(logged.filter((m) => m === 'store recovered')).toHaveLength(1);
  });
});
