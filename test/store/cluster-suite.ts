/**
 * The behaviour suite for stores that coordinate several engine nodes (ClusterStore: memory and
 * PostgreSQL; SQLite runs one process and is not one). Like ./store-suite.ts it only uses the
 * interfaces, so an adapter plugs in through its factory. Every time is an explicit `now`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterEvent, ClusterStore } from '../../src/store/cluster.js';
import type { Commit, ExecutionRecord, ExecutionStore } from '../../src/store/types.js';
import { eventually } from '../support/async.js';
import { createCommit, event, execution, executionArn, nextCommit, task, timer } from './fixtures.js';

export type ClusterCapableStore = ExecutionStore & ClusterStore;

const LEASE_MS = 1_000;
const activityArn = 'arn:aws:states:us-east-1:123456789012:activity:work';
const MARKER = 'marker:';
let markers = 0;

/** The commit under a lease: `owner` at `now`, the lease running on to `until` (null releases it). */
const leased = (commit: Commit, owner: string, now: number, until: number | null = now + LEASE_MS): Commit => ({
  ...commit,
  lease: { owner, now, until },
});

export function describeClusterStore(name: string, factory: () => Promise<ClusterCapableStore>): void {
  describe(`ClusterStore: ${name}`, () => {
    let store: ClusterCapableStore;

    beforeEach(async () => {
      store = await factory();
    });

    afterEach(async () => {
      await store.close();
    });

    /** Creates a RUNNING execution (under `owner`'s lease until now + LEASE_MS when given) and returns it as stored. */
    async function started(
      execName: string,
      parts: Parameters<typeof createCommit>[1] = {},
      lease?: { owner: string; now: number; until?: number | null },
      overrides: Partial<ExecutionRecord> = {},
    ): Promise<ExecutionRecord> {
      const commit = createCommit(execution('m', execName, overrides), parts);
      const results = await store.commit([lease ? leased(commit, lease.owner, lease.now, lease.until) : commit]);
      expect(results).toEqual(['ok']);
      return stored(execName);
    }

    async function stored(execName: string): Promise<ExecutionRecord> {
      const record = await store.getExecution(executionArn('m', execName));
      if (!record) throw new Error(`${execName} not stored`);
      return record;
    }

    /** Who holds the execution's lease at `now`, found without disturbing it (an acquire that must fail). */
    async function holderAt(arn: string, now: number): Promise<string | undefined> {
      const result = await store.acquireExecution(arn, 'probe', now, LEASE_MS);
      if (result.acquired) {
        await store.releaseExecutions([arn], 'probe');
        return undefined;
      }
      return result.holder;
    }

    /**
     * Subscribes and collects every event. `settle()` waits until everything published before it has
     * arrived: events arrive in publishing order, so once a marker published now is heard, all earlier
     * ones were. Markers (from any listener) are kept out of `events`.
     */
    async function listen(): Promise<{
      events: ClusterEvent[];
      settle: () => Promise<void>;
      stop: () => Promise<void>;
    }> {
      const events: ClusterEvent[] = [];
      const marks = new Set<string>();
      const stop = await store.subscribe((e) => {
        if (e.kind === 'signal' && e.executionArn.startsWith(MARKER)) marks.add(e.executionArn);
        else events.push(e);
      });
      const settle = async (): Promise<void> => {
        const mark = `${MARKER}${++markers}`;
        await store.publish({ kind: 'signal', executionArn: mark });
        await eventually(async () => (marks.has(mark) ? true : undefined), `the marker event ${mark}`);
      };
      return { events, settle, stop };
    }

    describe('commits under a lease', () => {
      it('a creating commit under a lease gives its owner the lease', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await holderAt(exec.arn, 100 + LEASE_MS - 1)).toBe('a');
        expect(await holderAt(exec.arn, 100 + LEASE_MS)).toBeUndefined();
      });

      it('a commit by the lease holder applies and runs the lease on to its until', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const commit = leased(nextCommit(exec, {}, { events: [event(1)] }), 'a', 500, 5_000);
        expect(await store.commit([commit])).toEqual(['ok']);
        expect((await stored('e1')).version).toBe(2);
        expect(await holderAt(exec.arn, 4_999)).toBe('a');
        expect(await holderAt(exec.arn, 5_000)).toBeUndefined();
      });

      it('a commit made under a lease that expired is rejected as leaseLost and writes nothing', async () => {
        const exec = await started('e1', { events: [event(1, 'ExecutionStarted')] }, { owner: 'a', now: 100 });
        const late = leased(
          nextCommit(
            exec,
            { status: 'SUCCEEDED' },
            {
              events: [event(2)],
              timersAdded: [timer(exec.arn, 't', 50)],
              tasksAdded: [task(exec.arn, 'k')],
            },
          ),
          'a',
          100 + LEASE_MS,
        );
        expect(await store.commit([late])).toEqual(['leaseLost']);
        expect(await store.getExecution(exec.arn)).toEqual(exec);
        expect((await store.getHistory(exec.arn, { limit: 10 })).map((e) => e.id)).toEqual([1]);
        expect(await store.dueTimers(1_000_000, 10)).toEqual([]);
        expect(await store.pendingTasks(exec.arn)).toEqual([]);
      });

      it('a commit by a node that is not the lease holder is leaseLost', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.commit([leased(nextCommit(exec, {}, { events: [event(1)] }), 'b', 200)])).toEqual([
          'leaseLost',
        ]);
        expect(await store.getExecution(exec.arn)).toEqual(exec);
        expect(await holderAt(exec.arn, 300)).toBe('a');
      });

      it('a commit under a lease of an execution nobody holds is leaseLost', async () => {
        const exec = await started('e1');
        expect(await store.commit([leased(nextCommit(exec), 'a', 200)])).toEqual(['leaseLost']);
        expect((await stored('e1')).version).toBe(1);
      });

      it('a stale version under a held lease is a conflict, not leaseLost', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const stale = { ...leased(nextCommit(exec), 'a', 200), expectedVersion: 5, execution: { ...exec, version: 6 } };
        expect(await store.commit([stale])).toEqual(['conflict']);
      });

      it('a creating commit for an execution that exists is a conflict, and its lease is not taken', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.commit([leased(createCommit(execution('m', 'e1')), 'b', 200)])).toEqual(['conflict']);
        expect(await holderAt(exec.arn, 300)).toBe('a');
      });

      it('a commit with until null releases the lease', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.commit([leased(nextCommit(exec), 'a', 200, null)])).toEqual(['ok']);
        expect(await store.acquireExecution(exec.arn, 'b', 300, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: false,
        });
      });

      it('ended executions hold no lease', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const done = leased(
          nextCommit(exec, { status: 'SUCCEEDED', stopDate: 300 }, { events: [event(1)] }),
          'a',
          200,
          10_000,
        );
        expect(await store.commit([done])).toEqual(['ok']);
        expect((await store.listNodes(300)).find((n) => n.id === 'a')).toBeUndefined();
        await store.heartbeat({ id: 'a', startedAt: 0 }, [exec.arn], 300, LEASE_MS);
        expect((await store.listNodes(300)).find((n) => n.id === 'a')?.executions).toBe(0);
        expect(await store.acquireExecution(exec.arn, 'b', 400, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: false,
        });
      });

      it('a creating commit of an execution that is already over takes no lease', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 }, { status: 'FAILED', stopDate: 100 });
        expect(await holderAt(exec.arn, 200)).toBeUndefined();
      });

      it('a commit without a lease leaves the lease as it was', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.commit([nextCommit(exec, {}, { events: [event(1)] })])).toEqual(['ok']);
        expect(await holderAt(exec.arn, 200)).toBe('a');
        expect(await holderAt(exec.arn, 100 + LEASE_MS)).toBeUndefined();
      });

      it('commits of one execution in one batch apply in order under the lease the first one takes', async () => {
        const first = leased(createCommit(execution('m', 'e1'), { events: [event(1, 'ExecutionStarted')] }), 'a', 100);
        const second = leased(nextCommit(first.execution, {}, { events: [event(2)] }), 'a', 100);
        const third = leased(nextCommit(second.execution, { status: 'SUCCEEDED' }, { events: [event(3)] }), 'a', 100);
        expect(await store.commit([first, second, third])).toEqual(['ok', 'ok', 'ok']);
        expect((await stored('e1')).version).toBe(3);
        expect(await holderAt(first.execution.arn, 200)).toBeUndefined();
      });

      it('a leaseLost member leaves the other members of its batch applied', async () => {
        const mine = await started('mine', {}, { owner: 'a', now: 100 });
        const theirs = await started('theirs', {}, { owner: 'b', now: 100 });
        const results = await store.commit([
          leased(nextCommit(mine, {}, { events: [event(1)] }), 'a', 200),
          leased(nextCommit(theirs, {}, { events: [event(1)] }), 'a', 200),
          leased(createCommit(execution('m', 'new')), 'a', 200),
        ]);
        expect(results).toEqual(['ok', 'leaseLost', 'ok']);
        expect((await stored('mine')).version).toBe(2);
        expect((await stored('theirs')).version).toBe(1);
        expect((await stored('new')).version).toBe(1);
      });
    });

    describe('claiming', () => {
      it('claimExecutions takes idle executions with a due timer and leaves those whose timer is in the future', async () => {
        const due = await started('due', { timersAdded: [timer(executionArn('m', 'due'), 't', 500)] });
        const atNow = await started('at-now', { timersAdded: [timer(executionArn('m', 'at-now'), 't', 1_000)] });
        await started('later', { timersAdded: [timer(executionArn('m', 'later'), 't', 1_001)] });
        await started('idle');
        const claimed = await store.claimExecutions('a', 1_000, LEASE_MS, 10);
        expect(claimed.sort((x, y) => x.arn.localeCompare(y.arn))).toMatchObject(
          [
            { arn: atNow.arn, orphaned: false },
            { arn: due.arn, orphaned: false },
          ].sort((x, y) => x.arn.localeCompare(y.arn)),
        );
        expect(await holderAt(due.arn, 1_500)).toBe('a');
      });

      it('claimExecutions takes idle executions with an unsettled inbox signal, not those whose signals are settled', async () => {
        const waiting = await started('waiting');
        const answered = await started('answered');
        await store.postSignal(waiting.arn, { kind: 'stop' }, 50);
        const id = await store.postSignal(answered.arn, { kind: 'stop' }, 50);
        await store.settleSignals([{ id, accepted: true }], 60);
        expect(await store.claimExecutions('a', 100, LEASE_MS, 10)).toMatchObject([
          { arn: waiting.arn, orphaned: false },
        ]);
      });

      it('a claim carries the execution as stored and whether its inbox has unsettled signals, so the claimer need not read them again', async () => {
        const quiet = await started('quiet', { timersAdded: [timer(executionArn('m', 'quiet'), 't', 50)] });
        const asked = await started('asked');
        await store.postSignal(asked.arn, { kind: 'stop' }, 50);
        const claimed = await store.claimExecutions('a', 100, LEASE_MS, 10);
        const byArn = new Map(claimed.map((c) => [c.arn, c]));
        expect(byArn.get(quiet.arn)).toMatchObject({
          hasSignals: false,
          record: { arn: quiet.arn, version: quiet.version, status: 'RUNNING' },
        });
        expect(byArn.get(asked.arn)).toMatchObject({ hasSignals: true, record: await store.getExecution(asked.arn) });
        const acquired = await store.acquireExecution(asked.arn, 'a', 200, LEASE_MS);
        expect(acquired).toMatchObject({
          acquired: true,
          hasSignals: true,
          record: await store.getExecution(asked.arn),
        });
      });

      it('an expired lease is claimed as orphaned, whatever the execution waits for', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.claimExecutions('b', 100 + LEASE_MS - 1, LEASE_MS, 10)).toEqual([]);
        expect(await store.claimExecutions('b', 100 + LEASE_MS, LEASE_MS, 10)).toMatchObject([
          { arn: exec.arn, orphaned: true },
        ]);
        expect(await holderAt(exec.arn, 100 + LEASE_MS + 1)).toBe('b');
      });

      it('an unexpired lease of another node is never claimed', async () => {
        const exec = await started(
          'e1',
          { timersAdded: [timer(executionArn('m', 'e1'), 't', 0)] },
          { owner: 'a', now: 100 },
        );
        await store.postSignal(exec.arn, { kind: 'stop' }, 100);
        expect(await store.claimExecutions('b', 200, LEASE_MS, 10)).toEqual([]);
        expect(await store.claimExecutions('a', 200, LEASE_MS, 10)).toEqual([]);
        expect(await holderAt(exec.arn, 300)).toBe('a');
      });

      it('executions that are no longer RUNNING are never claimed', async () => {
        const over = await started('over', { timersAdded: [timer(executionArn('m', 'over'), 't', 0)] }, undefined, {
          status: 'ABORTED',
        });
        await store.postSignal(over.arn, { kind: 'stop' }, 0);
        await store.acquireExecution(over.arn, 'a', 0, LEASE_MS);
        expect(await store.claimExecutions('b', 5_000, LEASE_MS, 10)).toEqual([]);
      });

      it('claimExecutions takes at most limit executions, and not again while their lease runs', async () => {
        const arns: string[] = [];
        for (let i = 0; i < 5; i++)
          arns.push((await started(`e${i}`, { timersAdded: [timer(executionArn('m', `e${i}`), 't', i)] })).arn);
        const first = await store.claimExecutions('a', 100, LEASE_MS, 3);
        const second = await store.claimExecutions('b', 100, LEASE_MS, 3);
        const third = await store.claimExecutions('c', 100, LEASE_MS, 3);
        expect(first).toHaveLength(3);
        expect(second).toHaveLength(2);
        expect(third).toEqual([]);
        expect([...first, ...second].map((c) => c.arn).sort()).toEqual([...arns].sort());
      });

      it('claimExecutions takes the longest waiting first', async () => {
        await started('young', { timersAdded: [timer(executionArn('m', 'young'), 't', 90)] });
        await started('old', { timersAdded: [timer(executionArn('m', 'old'), 't', 10)] });
        expect((await store.claimExecutions('a', 100, LEASE_MS, 1)).map((c) => c.arn)).toEqual([
          executionArn('m', 'old'),
        ]);
      });

      it('claimExecutions rejects a limit that is not a positive integer', async () => {
        await expect(store.claimExecutions('a', 0, LEASE_MS, 0)).rejects.toThrow(RangeError);
      });
    });

    describe('acquiring one execution', () => {
      it("acquireExecution takes a free lease, renews its own, and refuses another node's unexpired lease naming the holder", async () => {
        const exec = await started('e1');
        expect(await store.acquireExecution(exec.arn, 'a', 100, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: false,
        });
        expect(await store.acquireExecution(exec.arn, 'a', 500, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: false,
        });
        expect(await store.acquireExecution(exec.arn, 'b', 1_400, LEASE_MS)).toEqual({ acquired: false, holder: 'a' });
      });

      it('acquireExecution takes an expired lease of another node as orphaned', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        expect(await store.acquireExecution(exec.arn, 'b', 100 + LEASE_MS, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: true,
        });
        expect(await holderAt(exec.arn, 100 + LEASE_MS + 1)).toBe('b');
      });

      it('acquireExecution takes the lease of an execution that ended (to redrive it)', async () => {
        const exec = await started('e1', {}, undefined, { status: 'FAILED', stopDate: 50 });
        expect(await store.acquireExecution(exec.arn, 'a', 100, LEASE_MS)).toMatchObject({
          acquired: true,
          orphaned: false,
        });
        expect(await holderAt(exec.arn, 200)).toBe('a');
      });

      it('acquireExecution of an unknown execution is refused with no holder', async () => {
        expect(await store.acquireExecution(executionArn('m', 'ghost'), 'a', 100, LEASE_MS)).toEqual({
          acquired: false,
        });
      });
    });

    describe('nodes and renewal', () => {
      it('heartbeat extends only leases still held and unexpired', async () => {
        const kept = await started('kept', {}, { owner: 'a', now: 100 });
        const expired = await started('expired', {}, { owner: 'a', now: 0, until: 500 });
        const others = await started('others', {}, { owner: 'b', now: 100 });
        const renewed = await store.heartbeat(
          { id: 'a', startedAt: 0 },
          [kept.arn, expired.arn, others.arn, executionArn('m', 'ghost')],
          600,
          LEASE_MS,
        );
        expect(renewed).toEqual([kept.arn]);
        expect(await holderAt(kept.arn, 1_599)).toBe('a');
        expect(await holderAt(expired.arn, 600)).toBeUndefined();
        expect(await holderAt(others.arn, 600)).toBe('b');
      });

      it('heartbeat never shortens a lease', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100, until: 10_000 });
        expect(await store.heartbeat({ id: 'a', startedAt: 0 }, [exec.arn], 200, LEASE_MS)).toEqual([exec.arn]);
        expect(await holderAt(exec.arn, 9_999)).toBe('a');
      });

      it('heartbeat upserts the node row that listNodes shows, oldest node first', async () => {
        await store.heartbeat({ id: 'young', startedAt: 50, address: 'http://10.0.0.6:8083' }, [], 100, LEASE_MS, {
          steps: 1,
        });
        await store.heartbeat({ id: 'old', startedAt: 10 }, [], 100, LEASE_MS);
        await store.heartbeat({ id: 'young', startedAt: 50, address: 'http://10.0.0.6:8083' }, [], 300, LEASE_MS, {
          steps: 7,
          claims: 2,
        });
        expect(await store.listNodes(300)).toEqual([
          { id: 'old', startedAt: 10, heartbeatAt: 100, leaseUntil: 100 + LEASE_MS, executions: 0, stats: {} },
          {
            id: 'young',
            address: 'http://10.0.0.6:8083',
            startedAt: 50,
            heartbeatAt: 300,
            leaseUntil: 300 + LEASE_MS,
            executions: 0,
            stats: { steps: 7, claims: 2 },
          },
        ]);
      });

      it('a heartbeat without stats keeps the last ones reported', async () => {
        await store.heartbeat({ id: 'a', startedAt: 0 }, [], 100, LEASE_MS, { steps: 3 });
        await store.heartbeat({ id: 'a', startedAt: 0 }, [], 200, LEASE_MS);
        expect((await store.listNodes(200))[0].stats).toEqual({ steps: 3 });
      });

      it("listNodes counts each node's unexpired leases", async () => {
        await store.heartbeat({ id: 'a', startedAt: 0 }, [], 0, 100_000);
        await store.heartbeat({ id: 'b', startedAt: 1 }, [], 0, 100_000);
        await started('a1', {}, { owner: 'a', now: 0, until: 5_000 });
        await started('a2', {}, { owner: 'a', now: 0, until: 5_000 });
        await started('a3', {}, { owner: 'a', now: 0, until: 1_000 });
        await started('b1', {}, { owner: 'b', now: 0, until: 5_000 });
        await started('free');
        const counts = async (now: number) =>
          Object.fromEntries((await store.listNodes(now)).map((n) => [n.id, n.executions]));
        expect(await counts(500)).toEqual({ a: 3, b: 1 });
        expect(await counts(1_000)).toEqual({ a: 2, b: 1 });
        expect(await counts(5_000)).toEqual({ a: 0, b: 0 });
      });

      it('heartbeat deletes inbox signals settled over five minutes ago and nodes dead for over ten minutes', async () => {
        const exec = await started('e1');
        const old = await store.postSignal(exec.arn, { kind: 'stop' }, 0);
        const recent = await store.postSignal(exec.arn, { kind: 'stop' }, 0);
        const open = await store.postSignal(exec.arn, { kind: 'stop' }, 0);
        await store.settleSignals([{ id: old, accepted: true }], 1_000);
        await store.settleSignals([{ id: recent, accepted: false }], 2_000);
        await store.heartbeat({ id: 'dead', startedAt: 0 }, [], 0, 1_000);
        await store.heartbeat({ id: 'stalled', startedAt: 0 }, [], 500, 1_000);

        const now = 1_000 + 5 * 60_000 + 1;
        await store.heartbeat({ id: 'live', startedAt: 0 }, [], now, LEASE_MS);
        expect(await store.signalOutcome(old)).toBeUndefined();
        expect(await store.signalOutcome(recent)).toBe(false);
        expect((await store.pendingSignals(exec.arn)).map((s) => s.id)).toEqual([open]);

        await store.heartbeat({ id: 'live', startedAt: 0 }, [], 1_000 + 10 * 60_000 + 1, LEASE_MS);
        expect((await store.listNodes(1_000 + 10 * 60_000 + 1)).map((n) => n.id).sort()).toEqual(['live', 'stalled']);
      });

      it('leave releases every lease of the node and deletes its row, and tells subscribers executions are ready', async () => {
        const { events, settle } = await listen();
        await store.heartbeat({ id: 'a', startedAt: 0 }, [], 100, LEASE_MS);
        await store.heartbeat({ id: 'b', startedAt: 0 }, [], 100, LEASE_MS);
        const mine = await started('mine', {}, { owner: 'a', now: 100 });
        const theirs = await started('theirs', {}, { owner: 'b', now: 100 });
        await store.leave('a');
        await settle();
        expect(events).toContainEqual({ kind: 'ready' });
        expect((await store.listNodes(200)).map((n) => n.id)).toEqual(['b']);
        expect(await holderAt(mine.arn, 200)).toBeUndefined();
        expect(await holderAt(theirs.arn, 200)).toBe('b');
      });

      it("releaseExecutions only releases the caller's leases", async () => {
        const mine = await started('mine', {}, { owner: 'a', now: 100 });
        const theirs = await started('theirs', {}, { owner: 'b', now: 100 });
        await store.releaseExecutions([mine.arn, theirs.arn, executionArn('m', 'ghost')], 'a');
        expect(await holderAt(mine.arn, 200)).toBeUndefined();
        expect(await holderAt(theirs.arn, 200)).toBe('b');
      });

      it('dueTimersOf lists the due timers of the executions the owner holds, earliest first', async () => {
        const arn = (n: string) => executionArn('m', n);
        await started(
          'mine',
          {
            timersAdded: [
              timer(arn('mine'), 'late', 300),
              timer(arn('mine'), 'early', 100),
              timer(arn('mine'), 'future', 900),
            ],
          },
          { owner: 'a', now: 0 },
        );
        await started('mine2', { timersAdded: [timer(arn('mine2'), 't', 200)] }, { owner: 'a', now: 0 });
        await started(
          'expired',
          { timersAdded: [timer(arn('expired'), 't', 100)] },
          { owner: 'a', now: 0, until: 400 },
        );
        await started('theirs', { timersAdded: [timer(arn('theirs'), 't', 100)] }, { owner: 'b', now: 0 });
        await started('free', { timersAdded: [timer(arn('free'), 't', 100)] });
        expect(await store.dueTimersOf('a', 500, 10)).toEqual([
          timer(arn('mine'), 'early', 100),
          timer(arn('mine2'), 't', 200),
          timer(arn('mine'), 'late', 300),
        ]);
        expect(await store.dueTimersOf('a', 500, 2)).toHaveLength(2);
      });
    });

    describe('the inbox', () => {
      it('a signal posted to the inbox is pending until a commit settles it, then reports its outcome', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const id = await store.postSignal(exec.arn, { kind: 'taskSucceeded', taskId: 'k', output: { n: 1 } }, 150);
        expect(await store.pendingSignals(exec.arn)).toEqual([
          {
            id,
            executionArn: exec.arn,
            signal: { kind: 'taskSucceeded', taskId: 'k', output: { n: 1 } },
            createdAt: 150,
          },
        ]);
        expect(await store.signalOutcome(id)).toBeUndefined();

        const step = {
          ...leased(nextCommit(exec, {}, { events: [event(1)] }), 'a', 200),
          signalsSettled: [{ id, accepted: true }],
        };
        expect(await store.commit([step])).toEqual(['ok']);
        expect(await store.pendingSignals(exec.arn)).toEqual([]);
        expect(await store.signalOutcome(id)).toBe(true);
      });

      it('signals settled by a leaseLost commit stay pending', async () => {
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const id = await store.postSignal(exec.arn, { kind: 'stop' }, 150);
        const step = { ...leased(nextCommit(exec), 'b', 200), signalsSettled: [{ id, accepted: true }] };
        expect(await store.commit([step])).toEqual(['leaseLost']);
        expect((await store.pendingSignals(exec.arn)).map((s) => s.id)).toEqual([id]);
        expect(await store.signalOutcome(id)).toBeUndefined();
      });

      it("pendingSignals lists only that execution's unsettled signals, oldest first", async () => {
        const one = await started('one');
        const two = await started('two');
        const first = await store.postSignal(one.arn, { kind: 'stop', error: 'E' }, 300);
        await store.postSignal(two.arn, { kind: 'stop' }, 100);
        const second = await store.postSignal(one.arn, { kind: 'timerFired', timerId: 't' }, 200);
        expect(second).toBeGreaterThan(first);
        expect((await store.pendingSignals(one.arn)).map((s) => s.id)).toEqual([first, second]);
      });

      it('settleSignals settles signals outside a commit; a settled signal keeps its first outcome', async () => {
        const exec = await started('e1');
        const accepted = await store.postSignal(exec.arn, { kind: 'stop' }, 100);
        const refused = await store.postSignal(exec.arn, { kind: 'stop' }, 100);
        await store.settleSignals(
          [
            { id: accepted, accepted: true },
            { id: refused, accepted: false },
          ],
          200,
        );
        await store.settleSignals([{ id: accepted, accepted: false }], 300);
        expect(await store.signalOutcome(accepted)).toBe(true);
        expect(await store.signalOutcome(refused)).toBe(false);
        expect(await store.pendingSignals(exec.arn)).toEqual([]);
      });

      it('signalOutcome of an unknown signal is undefined', async () => {
        expect(await store.signalOutcome(987_654)).toBeUndefined();
      });
    });

    describe('events', () => {
      it('subscribers hear signal, settled and activity events', async () => {
        const { events, settle } = await listen();
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const id = await store.postSignal(exec.arn, { kind: 'stop' }, 150);
        const activityTask = { ...task(exec.arn, 'act'), resource: activityArn, command: { resource: activityArn } };
        const step = {
          ...leased(nextCommit(exec, {}, { tasksAdded: [activityTask, task(exec.arn, 'lambda')] }), 'a', 200),
          signalsSettled: [{ id, accepted: false }],
        };
        expect(await store.commit([step])).toEqual(['ok']);
        const other = await store.postSignal(exec.arn, { kind: 'stop' }, 250);
        await store.settleSignals([{ id: other, accepted: true }], 300);
        await settle();
        // One commit's events may come in either order; separate calls' in call order.
        expect(events).toHaveLength(5);
        expect(events[0]).toEqual({ kind: 'signal', executionArn: exec.arn });
        expect(events.slice(1, 3)).toEqual(
          expect.arrayContaining([
            { kind: 'settled', ids: [id] },
            { kind: 'activity', activityArn },
          ]),
        );
        expect(events.slice(3)).toEqual([
          { kind: 'signal', executionArn: exec.arn },
          { kind: 'settled', ids: [other] },
        ]);
      });

      it('commits that add no activity task and settle no signal publish nothing', async () => {
        const { events, settle } = await listen();
        const exec = await started(
          'e1',
          { tasksAdded: [task(executionArn('m', 'e1'), 'lambda')] },
          { owner: 'a', now: 100 },
        );
        await store.commit([leased(nextCommit(exec, {}, { events: [event(1)] }), 'a', 200)]);
        await settle();
        expect(events).toEqual([]);
      });

      it('a leaseLost commit publishes nothing', async () => {
        const { events, settle } = await listen();
        const exec = await started('e1', {}, { owner: 'a', now: 100 });
        const id = await store.postSignal(exec.arn, { kind: 'stop' }, 150);
        await settle();
        events.length = 0;
        const activityTask = { ...task(exec.arn, 'act'), resource: activityArn };
        const lost = {
          ...leased(nextCommit(exec, {}, { tasksAdded: [activityTask] }), 'b', 200),
          signalsSettled: [{ id, accepted: true }],
        };
        expect(await store.commit([lost])).toEqual(['leaseLost']);
        await settle();
        expect(events).toEqual([]);
      });

      it("publish reaches every subscriber, the publisher's own included, until it unsubscribes", async () => {
        const first = await listen();
        const second = await listen();
        await store.publish({ kind: 'ready' });
        await first.settle();
        await second.settle();
        expect(first.events).toEqual([{ kind: 'ready' }]);
        expect(second.events).toEqual([{ kind: 'ready' }]);
        await first.stop();
        await store.publish({ kind: 'activity', activityArn });
        await second.settle();
        expect(second.events).toEqual([{ kind: 'ready' }, { kind: 'activity', activityArn }]);
        expect(first.events).toEqual([{ kind: 'ready' }]);
      });

      it('a settled event for many signals reaches subscribers whole', async () => {
        const { events, settle } = await listen();
        const ids = Array.from({ length: 3_000 }, (_, i) => 1_000_000_000 + i);
        await store.publish({ kind: 'settled', ids });
        await settle();
        expect(events.every((e) => e.kind === 'settled')).toBe(true);
        expect(events.flatMap((e) => (e.kind === 'settled' ? e.ids : []))).toEqual(ids);
      });
    });
  });
}
