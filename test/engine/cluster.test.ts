/**
 * Several engine nodes sharing one store: leases, claims, the inbox and the commit fence, with a
 * fake clock (leases expire when the test says so) and real, short polls. The same rules run on
 * the memory store and on a real PostgreSQL (skipped plainly when there is none).
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fakeClock, type FakeClock } from '../../src/engine/clock.js';
import { DurableEngine } from '../../src/engine/durable/durable-engine.js';
import type { TaskHandler } from '../../src/engine/task-invoker.js';
import type { Json } from '../../src/json.js';
import { isClusterStore, type ClusterStore } from '../../src/store/cluster.js';
import { IntegrationRegistry } from '../../src/engine/integration-registry.js';
import { StatesIntegration } from '../../src/integrations/states/index.js';
import { ExecutionService } from '../../src/engine/executions.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { CommitResult, ExecutionStore } from '../../src/store/types.js';
import { databaseUrl, dropSchemas, freshSchema, postgresWanted } from '../store/postgres-helper.js';
import { eventually } from '../support/async.js';
import { startRequest, stateMachine } from './support.js';

const LEASE_MS = 60_000;
const WORK = 'arn:aws:states:::lambda:invoke';
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

type Store = ExecutionStore & ClusterStore;

interface Node {
  id: string;
  engine: DurableEngine;
  /** Every commit result this node got, in order. */
  results: CommitResult[];
}

/** A gate a task handler waits on until the test opens it. */
function gate<T>(): { promise: Promise<T>; open(value: T): void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/** The store as one node sees it: the same store, with this node's commit results recorded. */
function recording(store: Store, results: CommitResult[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return async (...args: Parameters<Store['commit']>) => {
          const out = await target.commit(...args);
          results.push(...out);
          return out;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const stores: [string, () => Promise<Store>][] = [['memory', async () => new MemoryStore() as Store]];
if (await postgresWanted('The cluster engine tests')) {
  stores.push([
    'postgres',
    async () => (await PostgresStore.open(databaseUrl, { schema: freshSchema() })) as unknown as Store,
  ]);
}
afterAll(dropSchemas);

describe.each(stores)('engine nodes sharing one %s store', (_name, open) => {
  let clock: FakeClock;
  let store: Store;
  const nodes: Node[] = [];

  /** A node; `pollMs` long keeps it from looking for work on its own (a paused process does not). */
  async function node(id: string, handlers: Record<string, TaskHandler> = {}, pollMs = 20): Promise<Node> {
    const results: CommitResult[] = [];
    const shared = recording(store, results);
    // Nested executions (states:startExecution) run through the node's own engine.
    const executions = new ExecutionService({ store: shared, now: () => clock.now() });
    const integrations = new IntegrationRegistry();
    const engine = new DurableEngine({
      store: shared,
      clock,
      handlers,
      integrations,
      cluster: { store: shared, nodeId: id, leaseMs: LEASE_MS, pollMs },
    });
    integrations.append(new StatesIntegration({ executions, host: engine }));
    await engine.start();
    const created = { id, engine, results };
    nodes.push(created);
    return created;
  }

  async function setup(): Promise<void> {
    clock = fakeClock();
    store = await open();
    expect(isClusterStore(store)).toBe(true);
  }

  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.engine.close();
    await store.close();
  });

  async function finished(arn: string): Promise<{ status: string; output?: string }> {
    return eventually(async () => {
      const record = await store.getExecution(arn);
      return record && record.status !== 'RUNNING' ? record : undefined;
    }, `the end of ${arn}`);
  }

  async function history(arn: string): Promise<{ type: string }[]> {
    return store.getHistory(arn, { limit: 1000 });
  }

  it('an execution waiting for a timer holds no lease, and the node that claims it when the timer is due finishes it', async () => {
    await setup();
    const a = await node('a');
    const machine = stateMachine('wait', {
      StartAt: 'Nap',
      States: { Nap: { Type: 'Wait', Seconds: 10, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
    });
    const started = await a.engine.startExecution(startRequest(machine, 'w1', { n: 1 }));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    expect((await store.listNodes(clock.now())).find((n) => n.id === 'a')?.executions).toBe(0);

    await a.engine.close();
    nodes.splice(0);
    const b = await node('b');
    clock.advance(10_000);
    const record = await finished(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toBe('{"n":1}');
    expect(b.engine.node?.stats.executionsClaimed).toBeGreaterThanOrEqual(1);
  });

  it('a callback sent to a node that does not hold the execution reaches the holder through the inbox', async () => {
    await setup();
    const busy = gate<Json>();
    let token: string | undefined;
    const handlers: Record<string, TaskHandler> = {
      [WORK]: () => busy.promise,
      [CALLBACK]: (_input, context) => {
        token = context.taskToken;
        return { MessageId: 'm' };
      },
    };
    const a = await node('a', handlers);
    const b = await node('b', handlers);
    const machine = stateMachine('both', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: WORK, End: true } } },
            {
              StartAt: 'Ask',
              States: {
                Ask: { Type: 'Task', Resource: CALLBACK, Parameters: { 'Token.$': '$$.Task.Token' }, End: true },
              },
            },
          ],
        },
      },
    });
    const started = await a.engine.startExecution(startRequest(machine, 'cb', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    const sent = await eventually(async () => token, 'the callback task');

    // a holds the lease (its Work task runs there): b forwards the answer to a's inbox.
    expect(await b.engine.sendTaskSuccess(sent, { answer: 42 })).toBe('ok');
    expect(b.engine.node?.stats.signalsForwarded).toBe(1);
    // A token is accepted once.
    expect(await b.engine.sendTaskSuccess(sent, { answer: 43 })).toBe('taskDoesNotExist');

    busy.open({ worked: true });
    const record = await finished(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(JSON.parse(record.output ?? 'null')).toEqual([{ worked: true }, { answer: 42 }]);
    expect((await history(started.executionArn)).filter((e) => e.type === 'TaskSucceeded')).toHaveLength(2);
  });

  it('StopExecution on a node that does not hold the execution stops it where it runs', async () => {
    await setup();
    const busy = gate<Json>();
    const a = await node('a', { [WORK]: () => busy.promise });
    const b = await node('b', { [WORK]: () => busy.promise });
    const machine = stateMachine('stop', {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: WORK, End: true } },
    });
    const started = await a.engine.startExecution(startRequest(machine, 's1', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await eventually(
      async () => ((await history(started.executionArn)).some((e) => e.type === 'TaskScheduled') ? true : undefined),
      'the task',
    );

    const stopped = await b.engine.stopExecution(started.executionArn, 'Halt', 'asked to');
    expect('stopDate' in stopped).toBe(true);
    const record = await finished(started.executionArn);
    expect(record.status).toBe('ABORTED');
    busy.open({});
  });

  it('a parent waiting on a .sync child sees the child end when another node finishes it', async () => {
    await setup();
    let token: string | undefined;
    const handlers: Record<string, TaskHandler> = {
      [CALLBACK]: (_input, context) => {
        token = context.taskToken;
        return { MessageId: 'm' };
      },
    };
    const a = await node('a', handlers);
    const b = await node('b', handlers);
    const child = stateMachine('child', {
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: CALLBACK, End: true } },
    });
    await store.createStateMachine(child);
    const parent = stateMachine('parent', {
      StartAt: 'Run',
      States: {
        Run: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: child.arn, Input: { from: 'parent' } },
          OutputPath: '$.Output',
          End: true,
        },
      },
    });
    const started = await a.engine.startExecution(startRequest(parent, 'p1', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    const sent = await eventually(async () => token, "the child's callback task");
    // Once the child only waits for its token it holds no lease: a holds just the parent's.
    await eventually(
      async () => ((await store.listNodes(clock.now())).find((n) => n.id === 'a')?.executions === 1 ? true : undefined),
      'the child idle',
    );

    // b takes the answer and ends the child itself.
    expect(await b.engine.sendTaskSuccess(sent, { answered: 'on b' })).toBe('ok');
    expect(b.engine.node?.stats.stepsCommitted).toBe(1);
    expect(b.engine.node?.stats.signalsForwarded).toBe(0);
    const record = await finished(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toBe('{"answered":"on b"}');
  });

  it('a node whose lease ran out (paused) cannot commit its step: the fence rejects it, and the node that took over applies its result once', async () => {
    await setup();
    const onA = gate<Json>();
    const onB = gate<Json>();
    let invokedOnA = 0;
    let invokedOnB = 0;
    const a = await node(
      'a',
      {
        [WORK]: () => {
          invokedOnA++;
          return onA.promise;
        },
      },
      3_600_000,
    );
    const machine = stateMachine('fence', {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: WORK, End: true } },
    });
    const started = await a.engine.startExecution(startRequest(machine, 'f1', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await eventually(async () => (invokedOnA === 1 ? true : undefined), 'the task on a');

    // a stalls (no heartbeat within the lease); once the lease has expired b takes the execution
    // over and, since a's task died with a as far as b can tell, invokes it again.
    const b = await node('b', {
      [WORK]: () => {
        invokedOnB++;
        return onB.promise;
      },
    });
    clock.advance(LEASE_MS + 1);
    await eventually(async () => (invokedOnB === 1 ? true : undefined), 'the task invoked again on b');
    expect(b.engine.node?.stats.executionsTakenOver).toBe(1);

    // a wakes up with its result: its commit is fenced off (b holds the lease) and writes nothing;
    // a hands the result to b, which applies it as the task's one result.
    onA.open({ by: 'a' });
    await eventually(async () => (a.results.includes('leaseLost') ? true : undefined), "a's fenced commit");
    const record = await finished(started.executionArn);
    expect(record.status).toBe('SUCCEEDED');
    expect(record.output).toBe('{"by":"a"}');
    expect(a.results.filter((r) => r === 'ok')).toHaveLength(1); // the start, nothing after

    // b's own invocation finishing later changes nothing.
    onB.open({ by: 'b' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const events = await history(started.executionArn);
    expect(events.filter((e) => e.type === 'TaskSucceeded')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'ExecutionSucceeded')).toHaveLength(1);
    expect(events.map((e, i) => (e as { id?: number }).id ?? i + 1)).toEqual(events.map((_, i) => i + 1));
    expect((await store.getExecution(started.executionArn))?.output).toBe('{"by":"a"}');
  });
  it('an execution whose node dies holding it, three nodes in a row, is FAILED with States.Runtime by the third to take it over', async () => {
    await setup();
    let invoked = 0;
    const hangs: TaskHandler = () => {
      invoked++;
      return new Promise<Json>(() => {});
    };
    const a = await node('a', { [WORK]: hangs }, 3_600_000);
    const machine = stateMachine('poison', {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: WORK, End: true } },
    });
    const started = await a.engine.startExecution(startRequest(machine, 'p1', {}));
    if (!('executionArn' in started)) throw new Error('expected a new execution');
    await eventually(async () => (invoked === 1 ? true : undefined), 'the task on a');

    // Each node takes it over once the lease of the one before has run out, and then goes quiet too.
    for (const [id, endings] of [
      ['b', 1],
      ['c', 2],
    ] as const) {
      clock.advance(LEASE_MS + 1);
      const next = await node(id, { [WORK]: hangs });
      await eventually(async () => (invoked === endings + 1 ? true : undefined), `the task invoked again on ${id}`);
      expect((await store.getExecution(started.executionArn))?.processEndings).toBe(endings);
      await next.engine.close();
      nodes.splice(nodes.indexOf(next), 1);
    }
    clock.advance(LEASE_MS + 1);
    await node('d', { [WORK]: hangs });
    const record = await finished(started.executionArn);
    expect([record.status, (record as { error?: string }).error]).toEqual(['FAILED', 'States.Runtime']);
    expect((record as { cause?: string }).cause).toMatch(/^The execution ended the process 3 times/);
    expect(invoked).toBe(3);
  });
});
