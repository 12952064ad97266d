/**
 * The one behaviour suite every ExecutionStore adapter must pass (memory, SQLite, later PostgreSQL).
 * It only uses the ExecutionStore interface, so an adapter plugs in through its factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidPageTokenError } from '../../src/store/page-token.js';
import type { ExecutionRecord, ExecutionStore, MapRunRecord, Page, PageRequest } from '../../src/store/types.js';
import {
  alias,
  createCommit,
  event,
  execution,
  executionArn,
  machineArn,
  mapRun,
  mapRunArn,
  mapRunChild,
  nextCommit,
  stateMachine,
  task,
  timer,
  version,
} from './fixtures.js';

/** Follows `next` tokens to the end, returning every page. */
async function walk<T>(list: (page: PageRequest) => Promise<Page<T>>, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let after: string | undefined;
  do {
    const page = await list({ limit, ...(after === undefined ? {} : { after }) });
    pages.push(page.items);
    after = page.next;
  } while (after !== undefined && pages.length < 1_000);
  return pages;
}

export function describeStore(name: string, factory: () => Promise<ExecutionStore>): void {
  describe(`ExecutionStore: ${name}`, () => {
    let store: ExecutionStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await store.close();
    });

    /** Creates an execution through a commit and returns it as stored. */
    async function started(
      machine: string,
      execName: string,
      overrides: Partial<ExecutionRecord> = {},
    ): Promise<ExecutionRecord> {
      const results = await store.commit([createCommit(execution(machine, execName, overrides))]);
      expect(results).toEqual(['ok']);
      const stored = await store.getExecution(executionArn(machine, execName));
      if (!stored) throw new Error('execution not stored');
      return stored;
    }

    describe('state machines', () => {
      it('createStateMachine stores a record that getStateMachine returns unchanged', async () => {
        const record = stateMachine('m', {
          description: 'd',
          updateDate: 1_500,
          loggingConfiguration: {
            level: 'ALL',
            includeExecutionData: true,
            destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'x' } }],
          },
        });
        expect(await store.createStateMachine(record)).toBe('ok');
        expect(await store.getStateMachine(record.arn)).toEqual(record);
      });

      it('createStateMachine answers exists for a stored arn and keeps the first record', async () => {
        await store.createStateMachine(stateMachine('m'));
        expect(await store.createStateMachine(stateMachine('m', { definition: '{}' }))).toBe('exists');
        expect((await store.getStateMachine(machineArn('m')))?.definition).toBe(stateMachine('m').definition);
      });

      it('getStateMachine answers undefined for an unknown arn', async () => {
        expect(await store.getStateMachine(machineArn('nope'))).toBeUndefined();
      });

      it('updateStateMachine replaces the stored record', async () => {
        await store.createStateMachine(stateMachine('m', { description: 'old' }));
        const updated = stateMachine('m', { definition: '{"v":2}', revisionId: 'r2', updateDate: 5_000 });
        await store.updateStateMachine(updated);
        expect(await store.getStateMachine(updated.arn)).toEqual(updated);
      });

      it('updateStateMachine of an unknown arn creates nothing', async () => {
        await store.updateStateMachine(stateMachine('ghost'));
        expect(await store.getStateMachine(machineArn('ghost'))).toBeUndefined();
      });

      it('listStateMachines lists oldest first by creation date, the arn breaking ties', async () => {
        await store.createStateMachine(stateMachine('c', { creationDate: 3 }));
        await store.createStateMachine(stateMachine('b', { creationDate: 1 }));
        await store.createStateMachine(stateMachine('a', { creationDate: 3 }));
        const page = await store.listStateMachines({ limit: 10 });
        expect(page.items.map((m) => m.name)).toEqual(['b', 'a', 'c']);
        expect(page.next).toBeUndefined();
      });

      it('listStateMachines walks every state machine exactly once, limit items per page', async () => {
        for (let i = 0; i < 23; i++) await store.createStateMachine(stateMachine(`m${i}`, { creationDate: i % 5 }));
        const pages = await walk((p) => store.listStateMachines(p), 5);
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        const names = pages.flat().map((m) => m.name);
        expect(new Set(names).size).toBe(23);
      });

      it('a page exactly filling the limit at the end carries no next token', async () => {
        for (let i = 0; i < 4; i++) await store.createStateMachine(stateMachine(`m${i}`, { creationDate: i }));
        const first = await store.listStateMachines({ limit: 2 });
        const second = await store.listStateMachines({ limit: 2, after: first.next });
        expect(second.items.map((m) => m.name)).toEqual(['m2', 'm3']);
        expect(second.next).toBeUndefined();
      });

      it('deleteStateMachine removes the state machine, its versions, aliases and their tags', async () => {
        await store.createStateMachine(stateMachine('m'));
        await store.createStateMachine(stateMachine('other'));
        await store.createVersion(version('m', 1));
        await store.createVersion(version('other', 1));
        await store.putAlias(alias('m', 'prod'));
        await store.setTags(machineArn('m'), { team: 'a' });
        await store.setTags(machineArn('other'), { team: 'b' });

        await store.deleteStateMachine(machineArn('m'));

        expect(await store.getStateMachine(machineArn('m'))).toBeUndefined();
        expect(await store.getVersion(version('m', 1).arn)).toBeUndefined();
        expect(await store.getAlias(alias('m', 'prod').arn)).toBeUndefined();
        expect(await store.getTags(machineArn('m'))).toEqual({});
        expect((await store.listVersions(machineArn('m'), { limit: 10 })).items).toEqual([]);
        expect(await store.getStateMachine(machineArn('other'))).toBeDefined();
        expect(await store.getVersion(version('other', 1).arn)).toBeDefined();
        expect(await store.getTags(machineArn('other'))).toEqual({ team: 'b' });
      });

      it('executions of a deleted state machine stay readable, with their history', async () => {
        await store.createStateMachine(stateMachine('m'));
        const exec = execution('m', 'e1');
        await store.commit([createCommit(exec, { events: [event(1, 'ExecutionStarted')] })]);
        await store.deleteStateMachine(machineArn('m'));
        expect((await store.getExecution(exec.arn))?.name).toBe('e1');
        expect(await store.getHistory(exec.arn, { limit: 10 })).toHaveLength(1);
        expect((await store.listExecutions({ stateMachineArn: machineArn('m') }, { limit: 10 })).items).toHaveLength(1);
      });
    });

    describe('versions', () => {
      beforeEach(async () => {
        await store.createStateMachine(stateMachine('m'));
      });

      it('createVersion stores a version that getVersion returns unchanged', async () => {
        await store.createVersion(version('m', 1));
        expect(await store.getVersion(version('m', 1).arn)).toEqual(version('m', 1));
        expect(await store.getVersion(`${machineArn('m')}:9`)).toBeUndefined();
      });

      it('createVersion rejects a version of an unknown state machine', async () => {
        await expect(store.createVersion(version('ghost', 1))).rejects.toThrow();
      });

      it('createVersion rejects a version arn that already exists', async () => {
        await store.createVersion(version('m', 1));
        await expect(store.createVersion(version('m', 1, { description: 'again' }))).rejects.toThrow();
        expect((await store.getVersion(version('m', 1).arn))?.description).toBe('version 1');
      });

      it('listVersions lists newest first and walks every version exactly once', async () => {
        for (let v = 1; v <= 7; v++) await store.createVersion(version('m', v));
        await store.createStateMachine(stateMachine('other'));
        await store.createVersion(version('other', 1));
        const pages = await walk((p) => store.listVersions(machineArn('m'), p), 3);
        expect(pages.map((p) => p.map((v) => v.version))).toEqual([[7, 6, 5], [4, 3, 2], [1]]);
      });

      it('deleteVersion removes the version and its tags, leaving the others', async () => {
        await store.createVersion(version('m', 1));
        await store.createVersion(version('m', 2));
        await store.setTags(version('m', 1).arn, { k: 'v' });
        await store.deleteVersion(version('m', 1).arn);
        expect(await store.getVersion(version('m', 1).arn)).toBeUndefined();
        expect(await store.getTags(version('m', 1).arn)).toEqual({});
        expect(await store.getVersion(version('m', 2).arn)).toBeDefined();
        await store.deleteVersion(version('m', 1).arn);
      });
    });

    describe('aliases', () => {
      beforeEach(async () => {
        await store.createStateMachine(stateMachine('m'));
      });

      it('putAlias creates an alias and replaces it on the next put', async () => {
        await store.putAlias(alias('m', 'prod'));
        expect(await store.getAlias(alias('m', 'prod').arn)).toEqual(alias('m', 'prod'));
        const updated = alias('m', 'prod', { description: 'new', updateDate: 4_000, routingConfiguration: [] });
        await store.putAlias(updated);
        expect(await store.getAlias(updated.arn)).toEqual(updated);
      });

      it('putAlias rejects an alias of an unknown state machine', async () => {
        await expect(store.putAlias(alias('ghost', 'prod'))).rejects.toThrow();
      });

      it('listAliases lists by name and walks every alias exactly once', async () => {
        for (const n of ['delta', 'alpha', 'echo', 'charlie', 'bravo']) await store.putAlias(alias('m', n));
        const pages = await walk((p) => store.listAliases(machineArn('m'), p), 2);
        expect(pages.map((p) => p.map((a) => a.name))).toEqual([['alpha', 'bravo'], ['charlie', 'delta'], ['echo']]);
      });

      it('deleteAlias removes only that alias', async () => {
        await store.putAlias(alias('m', 'a'));
        await store.putAlias(alias('m', 'b'));
        await store.deleteAlias(alias('m', 'a').arn);
        expect(await store.getAlias(alias('m', 'a').arn)).toBeUndefined();
        expect(await store.getAlias(alias('m', 'b').arn)).toBeDefined();
      });
    });

    describe('tags', () => {
      it('an untagged resource has no tags', async () => {
        expect(await store.getTags(machineArn('m'))).toEqual({});
      });

      it('setTags adds tags and overwrites the values of existing keys', async () => {
        await store.setTags(machineArn('m'), { a: '1', b: '2' });
        await store.setTags(machineArn('m'), { b: '3', c: '' });
        expect(await store.getTags(machineArn('m'))).toEqual({ a: '1', b: '3', c: '' });
      });

      it('removeTags removes the given keys and ignores unknown ones', async () => {
        await store.setTags(machineArn('m'), { a: '1', b: '2' });
        await store.removeTags(machineArn('m'), ['a', 'zzz']);
        expect(await store.getTags(machineArn('m'))).toEqual({ b: '2' });
        await store.removeTags(machineArn('nothing'), ['a']);
      });
    });

    describe('commits', () => {
      it('a creating commit stores the execution with its events, timers and tasks', async () => {
        const exec = execution('m', 'e1', { stateMachineVersionArn: `${machineArn('m')}:1` });
        const results = await store.commit([
          createCommit(exec, {
            events: [event(1, 'ExecutionStarted'), event(2)],
            timersAdded: [timer(exec.arn, 't1', 50_000)],
            tasksAdded: [task(exec.arn, 'k1')],
          }),
        ]);
        expect(results).toEqual(['ok']);
        expect(await store.getExecution(exec.arn)).toEqual({ ...exec, version: 1, historyLength: 2 });
        expect(await store.getHistory(exec.arn, { limit: 10 })).toEqual([event(1, 'ExecutionStarted'), event(2)]);
        expect(await store.dueTimers(50_000, 10)).toEqual([timer(exec.arn, 't1', 50_000)]);
        expect(await store.pendingTasks(exec.arn)).toEqual([task(exec.arn, 'k1')]);
      });

      it('a commit keeps the count of process endings, and a commit without it sets it back to none', async () => {
        const first = await started('m', 'e1');
        expect(await store.commit([nextCommit(first, { processEndings: 2 })])).toEqual(['ok']);
        const counted = (await store.getExecution(first.arn)) as ExecutionRecord;
        expect(counted.processEndings).toBe(2);
        const { processEndings: _, ...progressed } = counted;
        expect(await store.commit([nextCommit(progressed)])).toEqual(['ok']);
        expect(await store.getExecution(first.arn)).not.toHaveProperty('processEndings');
      });

      it('getExecution answers undefined for an unknown arn', async () => {
        expect(await store.getExecution(executionArn('m', 'nope'))).toBeUndefined();
      });

      it('a creating commit conflicts when the execution exists, and changes nothing', async () => {
        const first = await started('m', 'e1');
        const again = createCommit(execution('m', 'e1', { input: '{"other":1}' }), {
          events: [event(1)],
          timersAdded: [timer(first.arn, 't', 1)],
        });
        expect(await store.commit([again])).toEqual(['conflict']);
        expect(await store.getExecution(first.arn)).toEqual(first);
        expect(await store.getHistory(first.arn, { limit: 10 })).toEqual([]);
        expect(await store.nextTimerAt()).toBeUndefined();
      });

      it('a commit matching the stored version applies and bumps the version', async () => {
        const exec = await started('m', 'e1');
        const commit = nextCommit(
          exec,
          { status: 'SUCCEEDED', stopDate: 20_000, output: '{"ok":true}' },
          { events: [event(1)] },
        );
        expect(await store.commit([commit])).toEqual(['ok']);
        const stored = await store.getExecution(exec.arn);
        expect(stored).toEqual(commit.execution);
        expect(stored?.version).toBe(2);
        expect(stored?.historyLength).toBe(1);
      });

      it('a commit with a stale expected version conflicts and leaves row, events, timers and tasks unchanged', async () => {
        const exec = await started('m', 'e1');
        await store.commit([
          nextCommit(
            exec,
            {},
            { events: [event(1)], timersAdded: [timer(exec.arn, 'keep', 100)], tasksAdded: [task(exec.arn, 'keep')] },
          ),
        ]);
        const before = await store.getExecution(exec.arn);

        const stale = nextCommit(
          exec,
          { status: 'FAILED' },
          {
            events: [event(2)],
            timersAdded: [timer(exec.arn, 'new', 50)],
            timersRemoved: ['keep'],
            tasksAdded: [task(exec.arn, 'new')],
            tasksRemoved: ['keep'],
          },
        );
        expect(await store.commit([stale])).toEqual(['conflict']);

        expect(await store.getExecution(exec.arn)).toEqual(before);
        expect((await store.getHistory(exec.arn, { limit: 10 })).map((e) => e.id)).toEqual([1]);
        expect(await store.dueTimers(1_000, 10)).toEqual([timer(exec.arn, 'keep', 100)]);
        expect((await store.pendingTasks(exec.arn)).map((t) => t.taskId)).toEqual(['keep']);
      });

      it('a commit for an execution that does not exist conflicts', async () => {
        const ghost = { ...execution('m', 'ghost'), version: 3 };
        expect(await store.commit([nextCommit({ ...ghost, version: 2 })])).toEqual(['conflict']);
        expect(await store.getExecution(ghost.arn)).toBeUndefined();
      });

      it('one conflicting commit in a batch does not block the others', async () => {
        const a = await started('m', 'a');
        const b = await started('m', 'b');
        const results = await store.commit([
          nextCommit(a, { status: 'SUCCEEDED' }, { events: [event(1)] }),
          {
            ...nextCommit(b, { status: 'FAILED' }, { events: [event(1)] }),
            expectedVersion: 7,
            execution: { ...b, status: 'FAILED', version: 8 },
          },
          createCommit(execution('m', 'c'), {
            events: [event(1, 'ExecutionStarted')],
            timersAdded: [timer(executionArn('m', 'c'), 't', 5)],
          }),
          createCommit(execution('m', 'a')),
        ]);
        expect(results).toEqual(['ok', 'conflict', 'ok', 'conflict']);
        expect((await store.getExecution(a.arn))?.status).toBe('SUCCEEDED');
        expect(await store.getExecution(b.arn)).toEqual(b);
        expect(await store.getHistory(b.arn, { limit: 10 })).toEqual([]);
        expect((await store.getExecution(executionArn('m', 'c')))?.version).toBe(1);
        expect(await store.nextTimerAt()).toBe(5);
      });

      it('commits of one execution in one batch apply in order', async () => {
        const exec = execution('m', 'e1');
        const first = createCommit(exec, { events: [event(1, 'ExecutionStarted')] });
        const second = nextCommit(first.execution, {}, { events: [event(2)] });
        const third = nextCommit(
          second.execution,
          { status: 'SUCCEEDED' },
          { events: [event(3, 'ExecutionSucceeded')] },
        );
        expect(await store.commit([first, second, third])).toEqual(['ok', 'ok', 'ok']);
        const stored = await store.getExecution(exec.arn);
        expect(stored?.version).toBe(3);
        expect(stored?.historyLength).toBe(3);
        expect((await store.getHistory(exec.arn, { limit: 10 })).map((e) => e.id)).toEqual([1, 2, 3]);
      });

      it('a commit repeating a stored event id conflicts and writes nothing of itself', async () => {
        const exec = await started('m', 'e1');
        const withEvents = nextCommit(exec, {}, { events: [event(1), event(2)] });
        await store.commit([withEvents]);
        const stored = await store.getExecution(exec.arn);
        if (!stored) throw new Error('missing');

        const other = await started('m', 'other');
        const duplicate = nextCommit(
          stored,
          { status: 'SUCCEEDED' },
          {
            events: [event(3), { ...event(2), timestamp: 99 }],
            timersAdded: [timer(exec.arn, 't', 7)],
            tasksAdded: [task(exec.arn, 'k')],
          },
        );
        const results = await store.commit([
          duplicate,
          nextCommit(other, { status: 'SUCCEEDED' }, { events: [event(1)] }),
        ]);

        expect(results).toEqual(['conflict', 'ok']);
        expect(await store.getExecution(exec.arn)).toEqual(stored);
        expect(await store.getHistory(exec.arn, { limit: 10 })).toEqual([event(1), event(2)]);
        expect(await store.nextTimerAt()).toBeUndefined();
        expect(await store.pendingTasks(exec.arn)).toEqual([]);
        expect((await store.getExecution(other.arn))?.status).toBe('SUCCEEDED');
      });

      it('a commit carrying two events with the same id conflicts', async () => {
        const exec = execution('m', 'e1');
        expect(await store.commit([createCommit(exec, { events: [event(1), event(1)] })])).toEqual(['conflict']);
        expect(await store.getExecution(exec.arn)).toBeUndefined();
        expect(await store.getHistory(exec.arn, { limit: 10 })).toEqual([]);
      });

      it('an empty batch applies nothing and answers an empty list', async () => {
        expect(await store.commit([])).toEqual([]);
      });

      it('a commit whose execution.version is not expectedVersion + 1 is rejected and nothing in the batch is written', async () => {
        const good = createCommit(execution('m', 'good'));
        const bad = {
          ...createCommit(execution('m', 'bad')),
          expectedVersion: 0,
          execution: { ...execution('m', 'bad'), version: 5 },
        };
        await expect(store.commit([good, bad])).rejects.toThrow(/expectedVersion/);
        expect(await store.getExecution(good.execution.arn)).toBeUndefined();
      });

      it('a commit adding a timer or task of another execution is rejected', async () => {
        const exec = execution('m', 'e1');
        await expect(
          store.commit([createCommit(exec, { timersAdded: [timer(executionArn('m', 'x'), 't', 1)] })]),
        ).rejects.toThrow();
        await expect(
          store.commit([createCommit(exec, { tasksAdded: [task(executionArn('m', 'x'), 'k')] })]),
        ).rejects.toThrow();
        expect(await store.getExecution(exec.arn)).toBeUndefined();
      });

      it('a commit removes the timers and tasks it names, and only those', async () => {
        const exec = await started('m', 'e1');
        const other = await started('m', 'other');
        await store.commit([
          nextCommit(
            exec,
            {},
            {
              timersAdded: [timer(exec.arn, 'a', 1), timer(exec.arn, 'b', 2)],
              tasksAdded: [task(exec.arn, 'x'), task(exec.arn, 'y')],
            },
          ),
          nextCommit(other, {}, { timersAdded: [timer(other.arn, 'a', 3)], tasksAdded: [task(other.arn, 'x')] }),
        ]);
        const current = await store.getExecution(exec.arn);
        if (!current) throw new Error('missing');
        await store.commit([nextCommit(current, {}, { timersRemoved: ['a', 'unknown'], tasksRemoved: ['x'] })]);
        expect(await store.dueTimers(10, 10)).toEqual([timer(exec.arn, 'b', 2), timer(other.arn, 'a', 3)]);
        expect((await store.pendingTasks(exec.arn)).map((t) => t.taskId)).toEqual(['y']);
        expect((await store.pendingTasks(other.arn)).map((t) => t.taskId)).toEqual(['x']);
      });

      it('removing and adding the same timer id in one commit reschedules it', async () => {
        const exec = await started('m', 'e1');
        await store.commit([nextCommit(exec, {}, { timersAdded: [timer(exec.arn, 'hb', 100)] })]);
        const current = await store.getExecution(exec.arn);
        if (!current) throw new Error('missing');
        await store.commit([
          nextCommit(current, {}, { timersRemoved: ['hb'], timersAdded: [timer(exec.arn, 'hb', 500)] }),
        ]);
        expect(await store.dueTimers(1_000, 10)).toEqual([timer(exec.arn, 'hb', 500)]);
      });

      it('records read back are copies: changing one does not change the store', async () => {
        const exec = await started('m', 'e1');
        exec.status = 'FAILED';
        exec.state.seq = 99;
        const again = await store.getExecution(exec.arn);
        expect(again?.status).toBe('RUNNING');
        expect(again?.state.seq).toBe(0);
      });
    });

    describe('history', () => {
      let arn: string;

      beforeEach(async () => {
        const exec = execution('m', 'h');
        arn = exec.arn;
        const events = [event(1, 'ExecutionStarted')];
        for (let id = 2; id <= 9; id++) events.push(event(id));
        events.push(event(10, 'ExecutionSucceeded'));
        await store.commit([createCommit(exec, { events: events.slice(0, 4) })]);
        const stored = await store.getExecution(arn);
        if (!stored) throw new Error('missing');
        await store.commit([nextCommit(stored, {}, { events: events.slice(4) })]);
      });

      it('getHistory returns every event oldest first with its details', async () => {
        const events = await store.getHistory(arn, { limit: 100 });
        expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(events[0]).toEqual(event(1, 'ExecutionStarted'));
        expect(events[9]).toEqual(event(10, 'ExecutionSucceeded'));
        expect(events[9]).not.toHaveProperty('stateEnteredEventDetails');
      });

      it('afterId is exclusive and limit is honoured', async () => {
        expect((await store.getHistory(arn, { afterId: 3, limit: 4 })).map((e) => e.id)).toEqual([4, 5, 6, 7]);
        expect((await store.getHistory(arn, { afterId: 10, limit: 4 })).map((e) => e.id)).toEqual([]);
        expect((await store.getHistory(arn, { afterId: 0, limit: 2 })).map((e) => e.id)).toEqual([1, 2]);
      });

      it('reverse returns newest first, afterId meaning before that id', async () => {
        expect((await store.getHistory(arn, { limit: 3, reverse: true })).map((e) => e.id)).toEqual([10, 9, 8]);
        expect((await store.getHistory(arn, { afterId: 8, limit: 3, reverse: true })).map((e) => e.id)).toEqual([
          7, 6, 5,
        ]);
        expect((await store.getHistory(arn, { afterId: 2, limit: 3, reverse: true })).map((e) => e.id)).toEqual([1]);
      });

      it('paging forward and backward by the last id visits every event exactly once', async () => {
        for (const reverse of [false, true]) {
          const seen: number[] = [];
          let afterId: number | undefined;
          for (;;) {
            const page = await store.getHistory(arn, {
              limit: 3,
              reverse,
              ...(afterId === undefined ? {} : { afterId }),
            });
            if (page.length === 0) break;
            seen.push(...page.map((e) => e.id));
            afterId = page[page.length - 1].id;
          }
          expect(seen).toEqual(reverse ? [10, 9, 8, 7, 6, 5, 4, 3, 2, 1] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        }
      });

      it('events committed out of id order still read back in id order', async () => {
        const exec = execution('m', 'unordered');
        await store.commit([createCommit(exec, { events: [event(2), event(1, 'ExecutionStarted'), event(3)] })]);
        expect((await store.getHistory(exec.arn, { limit: 10 })).map((e) => e.id)).toEqual([1, 2, 3]);
        expect((await store.getHistory(exec.arn, { limit: 10, reverse: true })).map((e) => e.id)).toEqual([3, 2, 1]);
      });

      it('an unknown execution has no history', async () => {
        expect(await store.getHistory(executionArn('m', 'nope'), { limit: 10 })).toEqual([]);
      });
    });

    describe('listExecutions', () => {
      it('lists newest first by start date, the arn breaking ties', async () => {
        await started('m', 'old', { startDate: 1 });
        await started('m', 'b', { startDate: 5 });
        await started('m', 'a', { startDate: 5 });
        await started('m', 'new', { startDate: 9 });
        const page = await store.listExecutions({}, { limit: 10 });
        expect(page.items.map((e) => e.name)).toEqual(['new', 'b', 'a', 'old']);
      });

      it('summaries carry neither state, input, output, definition nor version', async () => {
        await started('m', 'e1', { output: '{"x":1}', error: 'E', cause: 'C', stopDate: 11_000 });
        const [summary] = (await store.listExecutions({}, { limit: 1 })).items;
        for (const key of ['state', 'input', 'output', 'definition', 'version'])
          expect(summary).not.toHaveProperty(key);
        expect(summary).toMatchObject({
          name: 'e1',
          status: 'RUNNING',
          error: 'E',
          cause: 'C',
          stopDate: 11_000,
          historyLength: 0,
          redriveCount: 0,
        });
      });

      it('filters by state machine, status, version, alias and redrive', async () => {
        const v1 = `${machineArn('m')}:1`;
        const prod = `${machineArn('m')}:prod`;
        await started('m', 'running', { startDate: 1 });
        await started('m', 'done', { startDate: 2, status: 'SUCCEEDED', stateMachineVersionArn: v1 });
        await started('m', 'aliased', {
          startDate: 3,
          status: 'FAILED',
          stateMachineVersionArn: v1,
          stateMachineAliasArn: prod,
          redriveCount: 1,
          redriveDate: 4,
        });
        await started('other', 'x', { startDate: 4 });
        const names = async (filter: Parameters<ExecutionStore['listExecutions']>[0]) =>
          (await store.listExecutions(filter, { limit: 10 })).items.map((e) => e.name);

        expect(await names({ stateMachineArn: machineArn('m') })).toEqual(['aliased', 'done', 'running']);
        expect(await names({ status: 'RUNNING' })).toEqual(['x', 'running']);
        expect(await names({ stateMachineArn: machineArn('m'), status: 'RUNNING' })).toEqual(['running']);
        expect(await names({ stateMachineVersionArn: v1 })).toEqual(['aliased', 'done']);
        expect(await names({ stateMachineAliasArn: prod })).toEqual(['aliased']);
        expect(await names({ stateMachineArn: machineArn('m'), redriveFilter: 'REDRIVEN' })).toEqual(['aliased']);
        expect(await names({ stateMachineArn: machineArn('m'), redriveFilter: 'NOT_REDRIVEN' })).toEqual([
          'done',
          'running',
        ]);
        expect(await names({ stateMachineArn: machineArn('nope') })).toEqual([]);
      });

      it('pagination walks every execution exactly once, newer executions started meanwhile not disturbing it', async () => {
        for (let i = 0; i < 25; i++) await started('m', `e${String(i).padStart(2, '0')}`, { startDate: 100 + (i % 7) });
        const seen: string[] = [];
        let after: string | undefined;
        let pages = 0;
        do {
          const page = await store.listExecutions(
            { stateMachineArn: machineArn('m') },
            { limit: 4, ...(after === undefined ? {} : { after }) },
          );
          expect(page.items.length).toBeLessThanOrEqual(4);
          seen.push(...page.items.map((e) => e.name));
          after = page.next;
          pages++;
          await started('m', `late${pages}`, { startDate: 1_000 + pages });
        } while (after !== undefined);
        expect(pages).toBe(7);
        expect(seen).toHaveLength(25);
        expect(new Set(seen).size).toBe(25);
      });

      it('a malformed page token, or one from another list, is rejected', async () => {
        await store.createStateMachine(stateMachine('m'));
        await store.createStateMachine(stateMachine('n'));
        const machines = await store.listStateMachines({ limit: 1 });
        expect(machines.next).toBeDefined();
        await expect(store.listExecutions({}, { limit: 1, after: 'not a token' })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listExecutions({}, { limit: 1, after: machines.next })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listVersions(machineArn('m'), { limit: 1, after: machines.next })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
      });

      it('a limit below 1 is rejected', async () => {
        await expect(store.listExecutions({}, { limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.getHistory(executionArn('m', 'e'), { limit: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('Map Runs', () => {
      const runArn = mapRunArn('m', 'run1');

      it('createMapRun stores a run that getMapRun returns unchanged, and answers exists for a taken ARN', async () => {
        const record = mapRun('m', 'parent', 'run1');
        expect(await store.createMapRun(record)).toBe('ok');
        expect(await store.getMapRun(record.arn)).toEqual(record);
        expect(await store.createMapRun({ ...record, status: 'FAILED', detail: { other: true } })).toBe('exists');
        expect(await store.getMapRun(record.arn)).toEqual(record);
        expect(await store.getMapRun(mapRunArn('m', 'nope'))).toBeUndefined();
      });

      it('a run read back is a copy: changing it does not change the store', async () => {
        await store.createMapRun(mapRun('m', 'parent', 'run1'));
        const read = (await store.getMapRun(runArn)) as MapRunRecord;
        read.status = 'ABORTED';
        (read.detail as { next: number }).next = 99;
        expect(await store.getMapRun(runArn)).toEqual(mapRun('m', 'parent', 'run1'));
      });

      it('updateMapRun replaces the stored run: status, dates, redrive and detail', async () => {
        await store.createMapRun(mapRun('m', 'parent', 'run1'));
        const updated = mapRun('m', 'parent', 'run1', {
          status: 'FAILED',
          stopDate: 30_000,
          redriveCount: 2,
          redriveDate: 40_000,
          detail: { failure: { error: 'States.ExceedToleratedFailureThreshold', cause: 'too many' } },
        });
        await store.updateMapRun(updated);
        expect(await store.getMapRun(runArn)).toEqual(updated);
        const { stopDate: _stop, redriveDate: _redrive, ...running } = updated;
        await store.updateMapRun({ ...running, status: 'RUNNING' });
        expect(await store.getMapRun(runArn)).toEqual({ ...running, status: 'RUNNING' });
      });

      it("updateMapRun keeps the run's parent execution and children's state machine as created", async () => {
        await store.createMapRun(mapRun('m', 'parent', 'run1'));
        await store.updateMapRun({
          ...mapRun('m', 'parent', 'run1', { status: 'SUCCEEDED', stopDate: 30_000 }),
          executionArn: executionArn('m', 'elsewhere'),
          stateMachineArn: machineArn('elsewhere'),
        });
        expect(await store.getMapRun(runArn)).toEqual(
          mapRun('m', 'parent', 'run1', { status: 'SUCCEEDED', stopDate: 30_000 }),
        );
        expect((await store.listMapRuns(executionArn('m', 'elsewhere'), { limit: 5 })).items).toEqual([]);
      });

      it("updateMapRun leaves the limits as they are: they are UpdateMapRun's", async () => {
        const created = mapRun('m', 'parent', 'run1');
        await store.createMapRun(created);
        await store.updateMapRun({
          ...created,
          maxConcurrency: 999,
          toleratedFailurePercentage: 99,
          toleratedFailureCount: 99,
          detail: { next: 5 },
        });
        expect(await store.getMapRun(runArn)).toEqual({ ...created, detail: { next: 5 } });
      });

      it('updateMapRunLimits changes only the limits given, and a progress write after it keeps them', async () => {
        const created = mapRun('m', 'parent', 'run1', { maxConcurrency: 10, toleratedFailureCount: 3 });
        await store.createMapRun(created);
        expect(await store.updateMapRunLimits(runArn, { maxConcurrency: 2, toleratedFailurePercentage: 12.5 })).toBe(
          true,
        );
        // The coordinator's write of its progress, from a copy read before the update.
        await store.updateMapRun({ ...created, detail: { next: 7 } });
        expect(await store.getMapRun(runArn)).toEqual({
          ...created,
          maxConcurrency: 2,
          toleratedFailurePercentage: 12.5,
          toleratedFailureCount: 3,
          detail: { next: 7 },
        });
        expect(await store.updateMapRunLimits(runArn, { toleratedFailureCount: 0 })).toBe(true);
        expect((await store.getMapRun(runArn))?.toleratedFailureCount).toBe(0);
        expect((await store.getMapRun(runArn))?.maxConcurrency).toBe(2);
      });

      it('updateMapRunLimits of an unknown ARN answers false and creates nothing', async () => {
        expect(await store.updateMapRunLimits(mapRunArn('m', 'ghost'), { maxConcurrency: 1 })).toBe(false);
        expect(await store.getMapRun(mapRunArn('m', 'ghost'))).toBeUndefined();
      });

      it('updateMapRun of an unknown ARN creates nothing', async () => {
        await store.updateMapRun(mapRun('m', 'parent', 'ghost'));
        expect(await store.getMapRun(mapRunArn('m', 'ghost'))).toBeUndefined();
      });

      it("listMapRuns lists one execution's runs newest first by start date, the arn breaking ties, page by page", async () => {
        for (const [id, startDate] of [
          ['a', 5],
          ['b', 5],
          ['c', 9],
          ['d', 1],
          ['e', 7],
        ] as const)
          await store.createMapRun(mapRun('m', 'parent', id, { startDate }));
        await store.createMapRun(mapRun('m', 'other', 'x', { startDate: 8 }));
        const pages = await walk((page) => store.listMapRuns(executionArn('m', 'parent'), page), 2);
        expect(pages.map((items) => items.map((r) => r.arn.slice(-1)))).toEqual([['c', 'e'], ['b', 'a'], ['d']]);
        expect(pages[0]?.[0]).toEqual(mapRun('m', 'parent', 'c', { startDate: 9 }));
        expect((await store.listMapRuns(executionArn('m', 'nobody'), { limit: 5 })).items).toEqual([]);
        const all = await store.listMapRuns(executionArn('m', 'parent'), { limit: 5 });
        expect(all.items).toHaveLength(5);
        expect(all.next).toBeUndefined();
      });

      it('listMapRuns refuses a malformed token, a token of another list and a limit below 1', async () => {
        await store.createMapRun(mapRun('m', 'parent', 'a', { startDate: 1 }));
        await store.createMapRun(mapRun('m', 'parent', 'b', { startDate: 2 }));
        await started('m', 'e1', { startDate: 1 });
        await started('m', 'e2', { startDate: 2 });
        const parent = executionArn('m', 'parent');
        const executions = await store.listExecutions({}, { limit: 1 });
        const runs = await store.listMapRuns(parent, { limit: 1 });
        expect(runs.next).toBeDefined();
        await expect(store.listMapRuns(parent, { limit: 1, after: 'not a token' })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listMapRuns(parent, { limit: 1, after: executions.next })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listExecutions({}, { limit: 1, after: runs.next })).rejects.toBeInstanceOf(
          InvalidPageTokenError,
        );
        await expect(store.listMapRuns(parent, { limit: 0 })).rejects.toThrow(RangeError);
      });

      it('putMapRunChildren replaces a child of the same run and index (a redriven one)', async () => {
        await store.putMapRunChildren([
          mapRunChild(runArn, 0),
          mapRunChild(runArn, 1, { status: 'FAILED', result: '{"Error":"E"}' }),
        ]);
        const redriven = mapRunChild(runArn, 1, { executionArn: `${runArn}-again`, itemCount: 3, result: '[1,2,3]' });
        await store.putMapRunChildren([redriven]);
        expect(await store.mapRunChildren(runArn, { limit: 10 })).toEqual([mapRunChild(runArn, 0), redriven]);
        const twice = [mapRunChild(runArn, 2, { status: 'FAILED' }), mapRunChild(runArn, 2, { status: 'ABORTED' })];
        await store.putMapRunChildren(twice);
        expect(await store.mapRunChildren(runArn, { afterIndex: 1, limit: 10 })).toEqual([twice[1]]);
        await store.putMapRunChildren([]);
      });

      it('mapRunChildren lists one run’s children by index, after afterIndex exclusive, at most limit', async () => {
        const other = mapRunArn('m', 'run2');
        await store.putMapRunChildren([3, 0, 4, 1, 2].map((i) => mapRunChild(runArn, i)));
        await store.putMapRunChildren([mapRunChild(other, 0), mapRunChild(other, 5)]);
        const indexes = async (options: { afterIndex?: number; limit: number }) =>
          (await store.mapRunChildren(runArn, options)).map((c) => c.index);
        expect(await indexes({ limit: 10 })).toEqual([0, 1, 2, 3, 4]);
        expect(await indexes({ limit: 2 })).toEqual([0, 1]);
        expect(await indexes({ afterIndex: 1, limit: 2 })).toEqual([2, 3]);
        expect(await indexes({ afterIndex: 4, limit: 2 })).toEqual([]);
        expect(await indexes({ afterIndex: -1, limit: 1 })).toEqual([0]);
        expect(await store.mapRunChildren(mapRunArn('m', 'none'), { limit: 10 })).toEqual([]);
        await expect(store.mapRunChildren(runArn, { limit: 0 })).rejects.toThrow(RangeError);
      });

      it('countMapRunChildren counts children and sums their items by status, only the statuses present, by status', async () => {
        expect(await store.countMapRunChildren(runArn)).toEqual([]);
        await store.putMapRunChildren([
          mapRunChild(runArn, 0, { itemCount: 10 }),
          mapRunChild(runArn, 1, { itemCount: 10 }),
          mapRunChild(runArn, 2, { itemCount: 4 }),
          mapRunChild(runArn, 3, { status: 'FAILED', itemCount: 10 }),
          mapRunChild(runArn, 4, { status: 'TIMED_OUT', itemCount: 2 }),
          mapRunChild(mapRunArn('m', 'run2'), 0, { status: 'ABORTED' }),
        ]);
        expect(await store.countMapRunChildren(runArn)).toEqual([
          { status: 'FAILED', children: 1, items: 10 },
          { status: 'SUCCEEDED', children: 3, items: 24 },
          { status: 'TIMED_OUT', children: 1, items: 2 },
        ]);
      });

      it('deleteMapRunChildren removes the named children of that run only', async () => {
        const other = mapRunArn('m', 'run2');
        await store.putMapRunChildren([0, 1, 2, 3].map((i) => mapRunChild(runArn, i)));
        await store.putMapRunChildren([mapRunChild(other, 1)]);
        await store.deleteMapRunChildren(runArn, [1, 3, 99]);
        expect((await store.mapRunChildren(runArn, { limit: 10 })).map((c) => c.index)).toEqual([0, 2]);
        expect(await store.mapRunChildren(other, { limit: 10 })).toEqual([mapRunChild(other, 1)]);
        expect(await store.countMapRunChildren(runArn)).toEqual([{ status: 'SUCCEEDED', children: 2, items: 2 }]);
        await store.deleteMapRunChildren(runArn, []);
        await store.deleteMapRunChildren(mapRunArn('m', 'none'), [0]);
      });

      it('mapRunArn round-trips through a commit to getExecution and the summaries, and stays across steps', async () => {
        const child = execution('m/Map', 'child-0', { mapRunArn: runArn });
        expect(await store.commit([createCommit(child, { events: [event(1, 'ExecutionStarted')] })])).toEqual(['ok']);
        const stored = await store.getExecution(child.arn);
        expect(stored).toEqual({ ...child, version: 1, historyLength: 1 });
        expect(
          await store.commit([nextCommit(stored as ExecutionRecord, { status: 'SUCCEEDED', stopDate: 30_000 })]),
        ).toEqual(['ok']);
        expect((await store.getExecution(child.arn))?.mapRunArn).toBe(runArn);
        const [summary] = (await store.listExecutions({}, { limit: 1 })).items;
        expect(summary?.mapRunArn).toBe(runArn);
        const plain = await started('m', 'plain', { startDate: 1 });
        expect(plain).not.toHaveProperty('mapRunArn');
        const summaries = (await store.listExecutions({ stateMachineArn: machineArn('m') }, { limit: 5 })).items;
        expect(summaries[0]).not.toHaveProperty('mapRunArn');
      });

      it("listExecutions by mapRunArn lists only that run's children, newest first, page by page", async () => {
        const other = mapRunArn('m', 'run2');
        for (let i = 0; i < 7; i++)
          await started('m/Map', `c${i}`, {
            mapRunArn: runArn,
            startDate: 100 + (i % 3),
            ...(i === 2 ? { status: 'FAILED', stopDate: 200 } : {}),
          });
        await started('m/Map', 'theirs', { mapRunArn: other, startDate: 500 });
        await started('m', 'parent', { startDate: 600 });
        const pages = await walk((page) => store.listExecutions({ mapRunArn: runArn }, page), 3);
        expect(pages.map((items) => items.map((e) => e.name))).toEqual([
          ['c5', 'c2', 'c4'],
          ['c1', 'c6', 'c3'],
          ['c0'],
        ]);
        expect(pages.flat().every((e) => e.mapRunArn === runArn)).toBe(true);
        expect(
          (await store.listExecutions({ mapRunArn: runArn, status: 'FAILED' }, { limit: 10 })).items.map((e) => e.name),
        ).toEqual(['c2']);
        expect((await store.listExecutions({ mapRunArn: other }, { limit: 10 })).items.map((e) => e.name)).toEqual([
          'theirs',
        ]);
        expect((await store.listExecutions({ mapRunArn: mapRunArn('m', 'none') }, { limit: 10 })).items).toEqual([]);
      });

      it("retention removes a deleted parent's Map Runs and their children rows; child executions go by their own stop date", async () => {
        const parent = await started('m', 'parent', { status: 'SUCCEEDED', stopDate: 100 });
        const kept = await started('m', 'kept', { status: 'SUCCEEDED', stopDate: 900 });
        const doomedRun = mapRun('m', 'parent', 'run1');
        const keptRun = mapRun('m', 'kept', 'run2');
        await store.createMapRun(doomedRun);
        await store.createMapRun(keptRun);
        await store.putMapRunChildren([mapRunChild(doomedRun.arn, 0), mapRunChild(doomedRun.arn, 1)]);
        await store.putMapRunChildren([mapRunChild(keptRun.arn, 0)]);
        const lateChild = await started('m/Map', 'late-child', {
          mapRunArn: doomedRun.arn,
          status: 'SUCCEEDED',
          stopDate: 800,
        });

        expect(await store.deleteExecutionsStoppedBefore(500, 10)).toBe(1);
        expect(await store.getExecution(parent.arn)).toBeUndefined();
        expect(await store.getMapRun(doomedRun.arn)).toBeUndefined();
        expect((await store.listMapRuns(parent.arn, { limit: 10 })).items).toEqual([]);
        expect(await store.mapRunChildren(doomedRun.arn, { limit: 10 })).toEqual([]);
        expect(await store.countMapRunChildren(doomedRun.arn)).toEqual([]);
        expect(await store.getExecution(lateChild.arn)).toBeDefined();
        expect(await store.getMapRun(keptRun.arn)).toEqual(keptRun);
        expect(await store.mapRunChildren(keptRun.arn, { limit: 10 })).toEqual([mapRunChild(keptRun.arn, 0)]);

        expect(await store.deleteExecutionsStoppedBefore(850, 10)).toBe(1);
        expect(await store.getExecution(lateChild.arn)).toBeUndefined();
        expect(await store.getExecution(kept.arn)).toBeDefined();
        expect(await store.getMapRun(keptRun.arn)).toEqual(keptRun);
      });
    });

    describe('engine work', () => {
      it('countRunningExecutions counts the executions still RUNNING', async () => {
        const a = await started('m', 'a');
        await started('m', 'b');
        await started('m', 'c', { status: 'SUCCEEDED' });
        expect(await store.countRunningExecutions()).toBe(2);
        await store.commit([nextCommit(a, { status: 'ABORTED' })]);
        expect(await store.countRunningExecutions()).toBe(1);
      });

      it('runningExecutionsWithTasks lists the RUNNING executions that have outbox tasks, each once', async () => {
        const withTasks = execution('m', 'tasks');
        const waiting = execution('m', 'waits');
        const ended = execution('m', 'ended');
        expect(
          await store.commit([
            createCommit(withTasks, { tasksAdded: [task(withTasks.arn, 'k1'), task(withTasks.arn, 'k2')] }),
            createCommit(waiting, { timersAdded: [timer(waiting.arn, 't', 50_000)] }),
            createCommit(ended, { tasksAdded: [task(ended.arn, 'k')] }),
          ]),
        ).toEqual(['ok', 'ok', 'ok']);
        const endedRecord = (await store.getExecution(ended.arn)) as ExecutionRecord;
        await store.commit([nextCommit(endedRecord, { status: 'FAILED', stopDate: 20_000 })]);
        expect(await store.runningExecutionsWithTasks()).toEqual([withTasks.arn]);
      });

      it('a redrive commit brings a stopped execution back to RUNNING', async () => {
        const exec = await started('m', 'a', { status: 'FAILED', stopDate: 20_000, error: 'E' });
        expect(await store.countRunningExecutions()).toBe(0);
        const redrive = nextCommit(exec, { status: 'RUNNING', redriveCount: 1, redriveDate: 30_000 });
        expect(await store.commit([redrive])).toEqual(['ok']);
        expect(await store.getExecution(exec.arn)).toEqual(redrive.execution);
        expect(await store.countRunningExecutions()).toBe(1);
        expect(
          (await store.listExecutions({ status: 'RUNNING', redriveFilter: 'REDRIVEN' }, { limit: 5 })).items.map(
            (e) => e.name,
          ),
        ).toEqual(['a']);
        expect(await store.commit([redrive])).toEqual(['conflict']);
      });

      it('dueTimers returns timers due at or before now, earliest first, at most limit', async () => {
        const a = execution('m', 'a');
        const b = execution('m', 'b');
        await store.commit([
          createCommit(a, {
            timersAdded: [timer(a.arn, 't3', 300), timer(a.arn, 't1', 100), timer(a.arn, 'late', 900)],
          }),
          createCommit(b, { timersAdded: [timer(b.arn, 't2', 200), timer(b.arn, 'same', 300)] }),
        ]);
        expect(await store.dueTimers(300, 10)).toEqual([
          timer(a.arn, 't1', 100),
          timer(b.arn, 't2', 200),
          timer(a.arn, 't3', 300),
          timer(b.arn, 'same', 300),
        ]);
        expect(await store.dueTimers(300, 2)).toEqual([timer(a.arn, 't1', 100), timer(b.arn, 't2', 200)]);
        expect(await store.dueTimers(99, 10)).toEqual([]);
      });

      it('nextTimerAt is the earliest timer, and undefined once none is left', async () => {
        expect(await store.nextTimerAt()).toBeUndefined();
        const exec = execution('m', 'a');
        await store.commit([
          createCommit(exec, { timersAdded: [timer(exec.arn, 'x', 700), timer(exec.arn, 'y', 400)] }),
        ]);
        expect(await store.nextTimerAt()).toBe(400);
        const stored = await store.getExecution(exec.arn);
        if (!stored) throw new Error('missing');
        await store.commit([nextCommit(stored, {}, { timersRemoved: ['y'] })]);
        expect(await store.nextTimerAt()).toBe(700);
        const again = await store.getExecution(exec.arn);
        if (!again) throw new Error('missing');
        await store.commit([nextCommit(again, {}, { timersRemoved: ['x'] })]);
        expect(await store.nextTimerAt()).toBeUndefined();
      });

      it('stores outbox messages with their commit, hands due ones out oldest first and holds them', async () => {
        const exec = execution('m', 'a');
        const msg = (body: string, createdAt: number) => ({ target: 'http://127.0.0.1:1/hook', body, createdAt });
        await store.commit([createCommit(exec, { outbox: [msg('one', 10), msg('two', 20)] })]);
        const taken = await store.claimOutbox(20, 10, 1000);
        expect(taken.map((r) => [r.body, r.createdAt, r.attempts, r.target])).toEqual([
          ['one', 10, 0, 'http://127.0.0.1:1/hook'],
          ['two', 20, 0, 'http://127.0.0.1:1/hook'],
        ]);
        // Held: not handed out again until the hold ends.
        expect(await store.claimOutbox(500, 10, 1000)).toEqual([]);
        await store.settleOutbox(taken[0]!.id);
        await store.settleOutbox(taken[1]!.id, { attempts: 1, nextAttemptAt: 2000 });
        expect(await store.claimOutbox(1999, 10, 1000)).toEqual([]);
        const again = await store.claimOutbox(2000, 10, 1000);
        expect(again.map((r) => [r.body, r.attempts])).toEqual([['two', 1]]);
        await store.settleOutbox(again[0]!.id);
        expect(await store.claimOutbox(1e12, 10, 1000)).toEqual([]);
      });

      it('retention deletes finished executions stopped before the cutoff, oldest first, with their history', async () => {
        const running = execution('m', 'running');
        await store.commit([createCommit(running, { events: [event(1, 'ExecutionStarted')] })]);
        for (const [name, stopDate] of [
          ['old', 100],
          ['older', 50],
          ['recent', 900],
        ] as const) {
          const record = execution('m', name, { status: 'SUCCEEDED', stopDate });
          await store.commit([
            createCommit(record, { events: [event(1, 'ExecutionStarted'), event(2, 'ExecutionSucceeded')] }),
          ]);
        }
        expect(await store.deleteExecutionsStoppedBefore(500, 1)).toBe(1);
        expect(await store.getExecution(executionArn('m', 'older'))).toBeUndefined();
        expect(await store.getHistory(executionArn('m', 'older'), { limit: 10 })).toEqual([]);
        expect(await store.getExecution(executionArn('m', 'old'))).toBeDefined();
        expect(await store.deleteExecutionsStoppedBefore(500, 10)).toBe(1);
        expect(await store.deleteExecutionsStoppedBefore(500, 10)).toBe(0);
        expect(await store.getExecution(executionArn('m', 'old'))).toBeUndefined();
        expect(await store.getExecution(executionArn('m', 'recent'))).toBeDefined();
        expect(await store.getHistory(executionArn('m', 'recent'), { limit: 10 })).toHaveLength(2);
        // A running execution is never deleted, however old its start.
        expect(await store.deleteExecutionsStoppedBefore(1e15, 10)).toBe(1);
        expect(await store.getExecution(running.arn)).toBeDefined();
      });

      it('writes no outbox message for a commit that conflicts', async () => {
        const exec = execution('m', 'a');
        await store.commit([createCommit(exec)]);
        const results = await store.commit([
          createCommit(exec, { outbox: [{ target: 'http://127.0.0.1:1/', body: 'lost', createdAt: 1 }] }),
        ]);
        expect(results).toEqual(['conflict']);
        expect(await store.claimOutbox(1e12, 10, 1000)).toEqual([]);
      });

      it('pendingTasks lists one execution’s outbox in creation order', async () => {
        const exec = execution('m', 'a');
        const other = execution('m', 'b');
        await store.commit([
          createCommit(exec, { tasksAdded: [task(exec.arn, 'second', 20), task(exec.arn, 'first', 10)] }),
          createCommit(other, { tasksAdded: [task(other.arn, 'theirs', 5)] }),
        ]);
        expect(await store.pendingTasks(exec.arn)).toEqual([task(exec.arn, 'first', 10), task(exec.arn, 'second', 20)]);
        expect(await store.pendingTasks(executionArn('m', 'none'))).toEqual([]);
      });
    });

    describe('activities', () => {
      const activityArn = (name: string) => `arn:aws:states:us-east-1:123456789012:activity:${name}`;
      const activity = (name: string, creationDate = 1_000) => ({ arn: activityArn(name), name, creationDate });
      const activityTask = (execArn: string, taskId: string, activityName: string, createdAt = 10_000) => ({
        ...task(execArn, taskId, createdAt),
        resource: activityArn(activityName),
      });

      it('createActivity stores a record once; a second create with the same ARN answers exists', async () => {
        expect(await store.createActivity(activity('a'))).toBe('ok');
        expect(await store.createActivity(activity('a', 2_000))).toBe('exists');
        expect(await store.getActivity(activityArn('a'))).toEqual(activity('a'));
        expect(await store.getActivity(activityArn('none'))).toBeUndefined();
      });

      it('deleteActivity removes the activity and its tags', async () => {
        await store.createActivity(activity('a'));
        await store.setTags(activityArn('a'), { team: 'x' });
        await store.deleteActivity(activityArn('a'));
        expect(await store.getActivity(activityArn('a'))).toBeUndefined();
        expect(await store.getTags(activityArn('a'))).toEqual({});
        await store.deleteActivity(activityArn('a'));
      });

      it('listActivities pages oldest first, the ARN breaking ties', async () => {
        await store.createActivity(activity('c', 5));
        await store.createActivity(activity('b', 1));
        await store.createActivity(activity('a', 5));
        const pages = await walk((page) => store.listActivities(page), 2);
        expect(pages.map((items) => items.map((a) => a.name))).toEqual([['b', 'a'], ['c']]);
      });

      it('listActivities refuses a token from another list', async () => {
        await store.createActivity(activity('a'));
        await store.createActivity(activity('b'));
        await store.createStateMachine(stateMachine('m1'));
        await store.createStateMachine(stateMachine('m2'));
        const machines = await store.listStateMachines({ limit: 1 });
        await expect(store.listActivities({ limit: 1, after: machines.next as string })).rejects.toThrow(
          InvalidPageTokenError,
        );
      });

      it('claimActivityTask hands out the oldest unclaimed task of that activity, once', async () => {
        const a = execution('m', 'a');
        const b = execution('m', 'b');
        await store.commit([
          createCommit(a, {
            tasksAdded: [activityTask(a.arn, 't2', 'work', 20), activityTask(a.arn, 'other', 'elsewhere', 1)],
          }),
          createCommit(b, { tasksAdded: [activityTask(b.arn, 't1', 'work', 10), task(b.arn, 'lambda', 5)] }),
        ]);
        const first = await store.claimActivityTask(activityArn('work'), 'w1', 500);
        expect(first).toEqual({ ...activityTask(b.arn, 't1', 'work', 10), claimedAt: 500, claimedBy: 'w1' });
        const second = await store.claimActivityTask(activityArn('work'), undefined, 600);
        expect(second).toEqual({ ...activityTask(a.arn, 't2', 'work', 20), claimedAt: 600 });
        expect(await store.claimActivityTask(activityArn('work'), 'w1', 700)).toBeUndefined();
        expect(await store.claimActivityTask(activityArn('none'), 'w1', 700)).toBeUndefined();
      });

      it('a claimed task stays in the outbox until its result is committed', async () => {
        const a = execution('m', 'a');
        await store.commit([createCommit(a, { tasksAdded: [activityTask(a.arn, 't1', 'work')] })]);
        await store.claimActivityTask(activityArn('work'), 'w1', 500);
        expect(await store.pendingTasks(a.arn)).toEqual([activityTask(a.arn, 't1', 'work')]);
        const stored = await store.getExecution(a.arn);
        if (!stored) throw new Error('missing');
        await store.commit([nextCommit(stored, {}, { tasksRemoved: ['t1'] })]);
        expect(await store.pendingTasks(a.arn)).toEqual([]);
        expect(await store.claimActivityTask(activityArn('work'), 'w1', 600)).toBeUndefined();
      });

      it('releaseActivityTask makes a claimed task claimable again', async () => {
        const a = execution('m', 'a');
        await store.commit([createCommit(a, { tasksAdded: [activityTask(a.arn, 't1', 'work')] })]);
        await store.claimActivityTask(activityArn('work'), 'w1', 500);
        await store.releaseActivityTask(a.arn, 't1');
        expect(await store.claimActivityTask(activityArn('work'), 'w2', 600)).toMatchObject({
          taskId: 't1',
          claimedBy: 'w2',
          claimedAt: 600,
        });
      });

      it('concurrent claims of many tasks never hand one task out twice', async () => {
        const tasks = Array.from({ length: 40 }, (_, i) => execution('m', `e${i}`));
        await store.commit(tasks.map((e, i) => createCommit(e, { tasksAdded: [activityTask(e.arn, 't', 'work', i)] })));
        const claims = await Promise.all(
          Array.from({ length: 60 }, (_, i) => store.claimActivityTask(activityArn('work'), `w${i}`, 1)),
        );
        const got = claims.filter((c) => c !== undefined).map((c) => c.executionArn);
        expect(got).toHaveLength(40);
        expect(new Set(got).size).toBe(40);
      });
    });
  });
}
