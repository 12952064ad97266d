import { describe, expect, it } from 'vitest';
import { InFlight } from '../../src/api/in-flight.js';
import { boundedClose, parseShutdownTimeout } from '../../src/shutdown.js';
import { CreateStateMachineCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { startServer } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { deferred, eventually } from '../support/async.js';
import { ROLE, rejection, sfnClient } from '../support/aws.js';

const silent = { warn: () => undefined };

describe('boundedClose', () => {
  it('a graceful stop that finishes is not abandoned', async () => {
    let abandoned = false;
    const outcome = await boundedClose({
      timeoutMs: 60_000,
      logger: silent,
      graceful: async () => undefined,
      abandon: async () => {
        abandoned = true;
      },
    });
    expect(outcome).toBeUndefined();
    expect(abandoned).toBe(false);
  });

  it('a graceful stop still running at the bound is abandoned, with a warning', async () => {
    const warnings: string[] = [];
    let abandoned = false;
    const outcome = await boundedClose({
      timeoutMs: 5,
      logger: { warn: (_details, message) => warnings.push(message) },
      graceful: () => new Promise<void>(() => undefined),
      abandon: async () => {
        abandoned = true;
      },
    });
    expect(outcome).toBe('abandoned');
    expect(abandoned).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/did not finish within the shutdown timeout/)]);
  });
});

describe('InFlight', () => {
  it('idle() waits for the work in progress, and answers at once when there is none', async () => {
    const inFlight = new InFlight();
    await inFlight.idle();
    const gate = deferred<string>();
    const work = inFlight.run(() => gate.promise);
    let idle = false;
    const waiting = inFlight.idle().then(() => {
      idle = true;
    });
    await Promise.resolve();
    expect(idle).toBe(false);
    gate.resolve('answered');
    expect(await work).toBe('answered');
    await waiting;
    expect(idle).toBe(true);
  });
});

describe('parseShutdownTimeout', () => {
  it('takes seconds (fractions too) and refuses the rest', () => {
    expect(parseShutdownTimeout(undefined)).toBeUndefined();
    expect(parseShutdownTimeout('30')).toBe(30_000);
    expect(parseShutdownTimeout('0.5')).toBe(500);
    expect(() => parseShutdownTimeout('-1')).toThrow(/invalid shutdown timeout '-1'/);
    expect(() => parseShutdownTimeout('soon')).toThrow(RangeError);
  });
});

describe('stopping a server with an API call in flight', () => {
  it('the call answers before the connections drop; calls after the stop began are refused', async () => {
    const store = new MemoryStore();
    const gate = deferred<void>();
    let entered = false;
    const slow = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'createStateMachine')
          return async (...args: Parameters<MemoryStore['createStateMachine']>) => {
            entered = true;
            await gate.promise;
            return target.createStateMachine(...args);
          };
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      store: slow,
      consoleDir: false,
    });
    const client = sfnClient(server.url);
    const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const creating = client.send(new CreateStateMachineCommand({ name: 'slow', definition, roleArn: ROLE }));
    await eventually(async () => (entered ? true : undefined), 'the call to reach the store');
    const closing = server.close();
    const late = sfnClient(server.url, { maxAttempts: 1 });
    const refused = await rejection(late.send(new ListStateMachinesCommand({})));
    expect(['ServiceUnavailable', 'ECONNREFUSED']).toContain(refused.name === 'Error' ? 'ECONNREFUSED' : refused.name);
    gate.resolve();
    expect((await creating).stateMachineArn).toMatch(/:stateMachine:slow$/);
    await closing;
    client.destroy();
    late.destroy();
  });
});
