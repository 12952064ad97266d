/**
 * Several nodes on one PostgreSQL schema, as real processes (`stepwise serve --database-url`), and
 * one of them SIGKILLed mid-run. The acceptance test for multi-node operation:
 *
 * - three nodes (`--lease-ms 3000`, distinct `--node-id`s) on a fresh schema list each other alive
 *   in GET /cluster/nodes;
 * - 300 executions, started round-robin over the nodes, each a short Wait (1 or 2 s), an activity
 *   Task and a callback Task; activity workers poll random nodes and answer on random nodes, and the
 *   callbacks are answered on random nodes too;
 * - mid-run one node is SIGKILLed (at a moment it holds execution leases, when it can be caught
 *   holding one); the traffic goes on against the two live nodes only. Every execution must reach
 *   SUCCEEDED exactly once, with the output its input determines, within `COMPLETION_BOUND_MS` of
 *   the kill; every history has ids 1..n, one ExecutionStarted, one ExecutionSucceeded, and the
 *   expected events (each state entered once: no step applied twice); the dead node shows as not
 *   alive once its lease has run out;
 * - the killed node is restarted **with the same node id** (the case where a node must not mistake
 *   its former life's leases for its own): it shows up alive again, and a second batch started only
 *   through the other two nodes is partly stepped by it (it claims due Waits, or takes the lease
 *   when a worker's or callback's SendTaskSuccess reaches it: the clients use all three nodes again,
 *   as behind a load balancer). With every node alive, nothing is taken over and each callback
 *   function runs once.
 *
 * The callback: `arn:aws:states:::lambda:invoke.waitForTaskToken` on a local function
 * (`--functions-dir`, written to a temp directory below) that POSTs its task token to a small HTTP
 * sink in this test and returns; the test then calls SendTaskSuccess with the token on a random
 * live node. Nothing outside this machine is involved, and the function runs inside the node that
 * steps the execution (it holds the execution's lease while it runs), so a node killed mid-invoke
 * leaves an orphaned execution whose task the taking-over node must invoke again: the sink may get
 * two tokens for one execution; whichever is answered first completes it, the other is refused.
 *
 * Skipped (with a warning) when no PostgreSQL answers at STEPWISE_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), failed instead when STEPWISE_REQUIRE_POSTGRES=1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateActivityCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropSchemas, freshSchema, postgresReachable } from '../store/postgres-helper.js';
import { inBatches, sleep } from '../support/async.js';
import { createMachine, fullHistory, listStatuses } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import {
  CALLBACK_FUNCTION,
  definitionFor,
  FUNCTION_DELAY_MS,
  LONGEST_WAIT_S,
  Node,
  pick,
  problemsOf,
  runsOf,
  startTokenSink,
  Traffic,
  type NodeView,
  type Run,
} from './cluster-harness.js';
import { ServerProcess } from './server-process.js';

const LEASE_MS = 3_000;
const POLL_TIMEOUT_S = 2;
const FIRST_BATCH = 300;
const SECOND_BATCH = 60;
/**
 * How much longer than its Seconds a Wait may last (WaitStateEntered to WaitStateExited): the due
 * timer is claimed and fired by whichever node looks first, on a machine kept busy by three nodes,
 * PostgreSQL and the test. Generous on purpose: it is there to catch timers that fire seconds late.
 */
const WAIT_SLACK_MS = 3_000;

/**
 * Every execution of the first batch must have SUCCEEDED this long after the kill:
 * - 2 × lease: the dead node's leases expire at most one lease after the kill (it renewed them at
 *   most lease/3 before it); a live node's claiming pass takes the orphans within another lease;
 * - the workload's own remaining time for an execution taken over at its start: the longest Wait
 *   (2 s), one activity long poll (2 s: a task scheduled as every worker's poll began), the
 *   function's delay (0.1 s);
 * - 5 s for the throughput of what is left: up to ~225 executions of ~21 history events each,
 *   stepped by two node processes that share this machine's 2 cores with PostgreSQL, the test's
 *   clients and vitest (the whole 300 take about as long end to end when nothing is killed).
 */
const COMPLETION_BOUND_MS = 2 * LEASE_MS + LONGEST_WAIT_S * 1000 + POLL_TIMEOUT_S * 1000 + FUNCTION_DELAY_MS + 5_000;

if (await postgresReachable('three nodes on PostgreSQL, one killed')) {
  describe('three nodes on one PostgreSQL schema, one SIGKILLed mid-run', () => {
    const schema = freshSchema();
    const dir = tempDir('stepwise-cluster-');
    const functionsDir = join(dir, 'functions');
    let sink: Awaited<ReturnType<typeof startTokenSink>> | undefined;
    let nodes: Node[] = [];
    let traffic: Traffic | undefined;
    let stateMachineArn = '';
    let activityArn = '';
    const executionArnOf = (name: string) => stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
    /** Set by the kill test for the restart test. */
    let victim: Node | undefined;
    let survivors: Node[] = [];

    const outputs = () =>
      nodes
        .map((n) => `--- ${n.id} (${n.server.running ? 'running' : 'not running'}):\n${n.server.output.slice(-3000)}`)
        .join('\n');

    beforeAll(async () => {
      mkdirSync(functionsDir);
      writeFileSync(join(functionsDir, 'callback.mjs'), CALLBACK_FUNCTION);

      // The sink the callback function posts its token to.
      sink = await startTokenSink((token, i) => traffic?.token(token, i));
      const sinkUrl = sink.url;

      const ids = ['node-a', 'node-b', 'node-c'];
      nodes = await Promise.all(
        ids.map(async (id) => {
          const args = [
            '--database-url',
            databaseUrl,
            '--database-schema',
            schema,
            '--node-id',
            id,
            '--lease-ms',
            String(LEASE_MS),
          ];
          args.push('--activity-poll-timeout', String(POLL_TIMEOUT_S), '--functions-dir', functionsDir);
          return new Node(id, new ServerProcess(await freePort(), join(dir, id), { args }));
        }),
      );
      try {
        await Promise.all(nodes.map((n) => n.server.start(45_000)));
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${outputs()}`);
      }
      for (const n of nodes) n.renewClient();

      const client = nodes[0].client;
      activityArn = (await client.send(new CreateActivityCommand({ name: 'cluster-work' }))).activityArn ?? '';
      stateMachineArn = await createMachine(client, 'cluster', definitionFor(activityArn, sinkUrl));
    }, 90_000);

    afterAll(async () => {
      await traffic?.stop();
      await Promise.all(nodes.map((n) => n.server.kill()));
      for (const n of nodes) n.client.destroy();
      await sink?.close();
      await dropSchemas();
      removeDir(dir);
    }, 60_000);

    /** Executions taken over so far by these nodes (all by default), as reported with their last heartbeat. */
    async function takenOverSum(of?: Node[]): Promise<number> {
      const view = await survivors[0].view();
      const counted = view.nodes.filter((n) => !of || of.some((o) => o.id === n.id));
      return counted.reduce((sum, n) => sum + (n.stats.executionsTakenOver ?? 0), 0);
    }

    /** Starts the runs round-robin over `through`, 20 requests in flight; every start must be acknowledged. */
    async function startAll(runs: Run[], through: Node[]): Promise<void> {
      await inBatches(runs, 20, async (run, k) => {
        const node = through[k % through.length];
        await node.client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: run.name,
            input: JSON.stringify({ i: run.i, wait: run.wait }),
          }),
        );
      });
    }

    /** Polls ListExecutions on `on` until every run SUCCEEDED; fails at once on any other end, or at `deadline`. */
    async function allSucceeded(runs: Run[], on: Node[], deadline: number, what: string): Promise<number> {
      for (;;) {
        const statuses = await listStatuses(pick(on).client, stateMachineArn);
        const ours = runs.map((run) => ({ run, status: statuses.get(run.name) }));
        const bad = ours.filter(({ status }) => status !== 'SUCCEEDED' && status !== 'RUNNING');
        if (bad.length > 0)
          throw new Error(`${what}: ${bad.map(({ run, status }) => `${run.name} ${status}`).join(', ')}`);
        if (ours.every(({ status }) => status === 'SUCCEEDED')) return Date.now();
        if (Date.now() > deadline) {
          const running = ours.filter(({ status }) => status === 'RUNNING').map(({ run }) => run);
          const samples = await Promise.all(
            running.slice(0, 3).map(async (run) => {
              const events = await fullHistory(pick(on).client, executionArnOf(run.name));
              return `${run.name}: ${events.map((e) => e.type).join(' ')}`;
            }),
          );
          const views = await Promise.all(
            on.map((n) =>
              n
                .view()
                .then((v) =>
                  JSON.stringify(v.nodes.map(({ id, alive, executions, stats }) => ({ id, alive, executions, stats }))),
                ),
            ),
          );
          throw new Error(
            `${what}: ${running.length} still RUNNING at the deadline (${running
              .slice(0, 10)
              .map((r) => r.name)
              .join(', ')})\n` +
              `histories:\n${samples.join('\n')}\ntraffic: ${traffic?.summary()}\n/cluster/nodes: ${views[0]}\n${outputs()}`,
          );
        }
        await sleep(250);
      }
    }

    /**
     * Checks every run's output and history, and that its Wait lasted its Seconds (+ WAIT_SLACK_MS);
     * the Waits' lateness, for the log.
     */
    async function checkHistories(runs: Run[], on: Node[]): Promise<string> {
      const problems: string[] = [];
      const late: { name: string; ms: number }[] = [];
      await inBatches(runs, 20, async (run, k) => {
        const found = await problemsOf(on[k % on.length].client, executionArnOf(run.name), run);
        problems.push(...found.problems);
        late.push({ name: run.name, ms: found.waitLateMs });
      });
      expect(problems.slice(0, 20), `${problems.length} problems; traffic: ${traffic?.summary()}`).toEqual([]);
      late.sort((a, b) => a.ms - b.ms);
      const tooLate = late.filter((l) => !(l.ms <= WAIT_SLACK_MS));
      const summary = `Waits ended late by p50 ${late[Math.floor(late.length / 2)]?.ms} ms, max ${late.at(-1)?.ms} ms`;
      expect(
        tooLate.map((l) => `${l.name} +${l.ms} ms`).slice(0, 10),
        `${tooLate.length} of ${runs.length} Waits lasted over ${WAIT_SLACK_MS} ms longer than their Seconds (${summary}): due timers fire late`,
      ).toEqual([]);
      return summary;
    }

    it('three nodes list each other alive, each naming itself', async () => {
      for (const node of nodes) {
        const view = await node.view();
        expect(view.self).toBe(node.id);
        expect(view.nodes.map((n) => n.id).sort()).toEqual(['node-a', 'node-b', 'node-c']);
        for (const n of view.nodes) {
          expect(n.alive, `${n.id} as seen by ${node.id}`).toBe(true);
          expect(n.leaseUntil).toBeGreaterThan(Date.now());
        }
      }
    }, 20_000);

    it(`${FIRST_BATCH} executions; one node SIGKILLed mid-run: every one SUCCEEDED exactly once with its output, within ${COMPLETION_BOUND_MS} ms of the kill`, async () => {
      [survivors, victim] = [nodes.slice(0, 2), nodes[2]];
      const dead = victim;
      traffic = new Traffic(activityArn, nodes, 6, 4);
      const runs = runsOf('first', FIRST_BATCH, 0);
      const startedAt = Date.now();
      await startAll(runs, nodes);
      const startsMs = Date.now() - startedAt;

      // Mid-run: a quarter of the callbacks answered, most executions still in flight.
      const triggerBy = Date.now() + 60_000;
      while (traffic.callbacksAnswered < FIRST_BATCH / 4) {
        if (Date.now() > triggerBy)
          throw new Error(`the workload did not get a quarter done in 60 s: ${traffic.summary()}\n${outputs()}`);
        await sleep(20);
      }
      // Activity polls leave the victim first: a task a node claims for a worker and dies before
      // answering is lost with the response (as a task handed to a worker that dies is, on AWS), and
      // this workload's activity has no TimeoutSeconds to recover it. Everything else keeps going to
      // the victim until it dies.
      traffic.polling = survivors;
      const drainBy = Date.now() + POLL_TIMEOUT_S * 1000 + 3_000;
      while (dead.polls > 0 && Date.now() < drainBy) await sleep(10);
      expect(dead.polls, 'GetActivityTask calls to the victim still open').toBe(0);
      // Kill at a moment the victim holds execution leases (running the callback function, or mid-step).
      let heldAtKill = 0;
      const catchBy = Date.now() + 3_000;
      for (;;) {
        heldAtKill = (await survivors[0].viewOf(dead.id)).executions;
        if (heldAtKill > 0 || Date.now() > catchBy) break;
        await sleep(5);
      }
      const answeredAtKill = traffic.callbacksAnswered;
      await dead.server.kill('SIGKILL');
      const killedAt = Date.now();
      traffic.sending = survivors;
      // What it held when it died: its unexpired leases now (a dead node's leases only run out).
      const heldAtDeath = (await survivors[0].viewOf(dead.id)).executions;

      // The dead node shows as not alive once its lease runs out (it renewed at most lease/3 before).
      let deadSeenAt = 0;
      let lastSeen: NodeView | undefined;
      while (Date.now() < killedAt + 3 * LEASE_MS) {
        lastSeen = await pick(survivors).viewOf(dead.id);
        if (!lastSeen.alive) {
          deadSeenAt = Date.now();
          break;
        }
        await sleep(50);
      }
      expect(
        deadSeenAt,
        `${dead.id} still alive ${3 * LEASE_MS} ms after the kill: ${JSON.stringify(lastSeen)}`,
      ).toBeGreaterThan(0);
      expect(lastSeen?.leaseUntil).toBeLessThanOrEqual(killedAt + LEASE_MS);
      expect(deadSeenAt - killedAt, 'not alive within one lease (+ 1 s for the query) of the kill').toBeLessThanOrEqual(
        LEASE_MS + 1_000,
      );

      const doneAt = await allSucceeded(
        runs,
        survivors,
        killedAt + COMPLETION_BOUND_MS,
        `after the kill of ${dead.id}`,
      );
      console.log(
        `cluster: ${FIRST_BATCH} starts in ${startsMs} ms; ${dead.id} killed ${killedAt - startedAt} ms after the first start, with ${answeredAtKill} callbacks answered ` +
          `and ${heldAtDeath} leases held; seen dead ${deadSeenAt - killedAt} ms after the kill; all SUCCEEDED ${doneAt - killedAt} ms after the kill (bound ${COMPLETION_BOUND_MS} ms)`,
      );
      const statuses = await listStatuses(survivors[0].client, stateMachineArn);
      expect(statuses.size, 'executions listed (no extras, no duplicates)').toBe(FIRST_BATCH);
      const waits = await checkHistories(runs, survivors);

      // The dead node's executions were taken over, and only those: a takeover invokes the
      // execution's running task again. (Counters arrive with the heartbeat: wait for one.)
      await sleep(LEASE_MS / 3 + 300);
      const takenOver = await takenOverSum(survivors);
      console.log(
        `cluster: first batch: ${waits}; executions taken over by the survivors: ${takenOver}; ${traffic.summary()}`,
      );
      if (heldAtDeath > 0) expect(takenOver, `${dead.id} held ${heldAtDeath} leases when killed`).toBeGreaterThan(0);
      else console.warn(`cluster: ${dead.id} held no lease when killed; that takeovers happen is not checked`);
      expect(
        takenOver,
        `executions taken over (their tasks invoked again) although ${dead.id} held only ${heldAtDeath} leases when it died`,
      ).toBeLessThanOrEqual(heldAtDeath);
    }, 120_000);

    it('the killed node, restarted with the same id, shows alive again and steps part of a new batch started through the others', async () => {
      if (!victim || !traffic || victim.server.running)
        throw new Error('runs after the kill test, once it has killed a node');
      const restarted = victim;
      const restartedAt = Date.now();
      try {
        await restarted.server.start(30_000);
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${outputs()}`);
      }
      restarted.renewClient();
      const own = await restarted.view();
      expect(own.self).toBe(restarted.id);
      for (const node of nodes) {
        const seen = await node.viewOf(restarted.id);
        expect(seen.alive, `${restarted.id} as seen by ${node.id}`).toBe(true);
        expect(seen.startedAt).toBeGreaterThanOrEqual(restartedAt - 1_000);
      }
      const before = (await restarted.viewOf(restarted.id)).stats;
      const takenOverBefore = await takenOverSum();

      // The restarted node is a member again for the workers and callbacks; starts go to the others.
      traffic.polling = [...nodes];
      traffic.sending = [...nodes];
      const runs = runsOf('second', SECOND_BATCH, 10_000);
      await startAll(runs, survivors);
      await allSucceeded(runs, nodes, Date.now() + 30_000, 'the second batch');
      const waits = await checkHistories(runs, nodes);
      // No node died during this batch: nothing is taken over, and each callback function ran once
      // (a takeover invokes the execution's running task again).
      const invokedTwice = runs
        .filter((run) => (traffic?.invocations.get(run.i) ?? 0) !== 1)
        .map((run) => `${run.name}: ${traffic?.invocations.get(run.i) ?? 0}`);
      expect(invokedTwice, 'callback function invocations per execution, with every node alive').toEqual([]);

      // Its counters arrive with its heartbeat (every lease/3).
      let after: Record<string, number> = before;
      const by = Date.now() + 2 * LEASE_MS;
      const grew = () => (after.stepsCommitted ?? 0) > (before.stepsCommitted ?? 0);
      while (!grew() && Date.now() < by) {
        await sleep(200);
        after = (await survivors[0].viewOf(restarted.id)).stats;
      }
      await sleep(LEASE_MS / 3 + 300); // one more heartbeat from every node
      after = (await survivors[0].viewOf(restarted.id)).stats;
      const takenOverAfter = await takenOverSum();
      const all = (await survivors[0].view()).nodes.map(({ id, stats }) => `${id} ${JSON.stringify(stats)}`).join('; ');
      console.log(
        `cluster: second batch: ${waits}; the restarted ${restarted.id}'s stats before ${JSON.stringify(before)}, after ${JSON.stringify(after)}; all nodes: ${all}`,
      );
      expect(
        takenOverAfter - takenOverBefore,
        'executions taken over while every node was alive (their tasks were invoked again)',
      ).toBe(0);
      expect(after.stepsCommitted ?? 0, `${restarted.id} committed no step of the second batch`).toBeGreaterThan(
        before.stepsCommitted ?? 0,
      );
    }, 90_000);
  });
}
