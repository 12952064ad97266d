/**
 * Crash safety of the real server: a child process is killed with SIGKILL while executions start,
 * wait and transition, then restarted on the same data directory. Every execution whose
 * StartExecution was acknowledged must complete with the right output and a clean history (ids
 * 1..n, no duplicates, the expected event sequence). Executions whose start was not acknowledged
 * may or may not exist; those that exist must complete correctly too.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inBatches } from '../support/async.js';
import { createMachine, fullHistory, listStatuses } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const PER_ROUND = 300;

/** Pass → Wait 1 s → Choice → Pass × 3; the output depends on the input. */
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      Parameters: { 'i.$': '$.i', 'big.$': '$.big', 'sum.$': 'States.MathAdd($.i, $.i)' },
      Next: 'Pause',
    },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.big', BooleanEquals: true, Next: 'High' }], Default: 'Low' },
    High: { Type: 'Pass', Result: 'high', ResultPath: '$.band', Next: 'Label' },
    Low: { Type: 'Pass', Result: 'low', ResultPath: '$.band', Next: 'Label' },
    Label: {
      Type: 'Pass',
      Parameters: {
        'i.$': '$.i',
        'sum.$': '$.sum',
        'band.$': '$.band',
        'label.$': "States.Format('{}-{}', $.band, $.i)",
      },
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
  },
};
const expectedTypes = [
  'ExecutionStarted',
  'PassStateEntered',
  'PassStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'PassStateEntered',
  'PassStateExited',
  'PassStateEntered',
  'PassStateExited',
  'PassStateEntered',
  'PassStateExited',
  'ExecutionSucceeded',
];

interface Run {
  name: string;
  i: number;
  big: boolean;
}
const expectedOutput = ({ i, big }: Run) => ({
  i,
  sum: 2 * i,
  band: big ? 'high' : 'low',
  label: `${big ? 'high' : 'low'}-${i}`,
});

const dataDir = tempDir('stepwise-crash-');
let server: ServerProcess;
let stateMachineArn = '';

beforeAll(async () => {
  server = new ServerProcess(await freePort(), dataDir);
  await server.start();
  const client = server.client();
  try {
    stateMachineArn = await createMachine(client, 'crash', definition);
  } finally {
    client.destroy();
  }
}, 30_000);

afterAll(async () => {
  await server?.kill();
  removeDir(dataDir);
});

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/**
 * One round: fires PER_ROUND StartExecution calls without awaiting them, kills the server when
 * `killWhen` resolves, restarts it, and checks every execution of the round.
 */
async function crashRound(
  round: number,
  killWhen: (acknowledged: () => number, allStarted: Promise<unknown>) => Promise<void>,
): Promise<void> {
  const runs: Run[] = Array.from({ length: PER_ROUND }, (_, k) => ({
    name: `r${round}-${k}`,
    i: round * 1000 + k,
    big: k % 2 === 0,
  }));
  const acknowledged = new Set<string>();
  const client = server.client();
  const starts = runs.map((run) =>
    client
      .send(
        new StartExecutionCommand({
          stateMachineArn,
          name: run.name,
          input: JSON.stringify({ i: run.i, big: run.big }),
        }),
      )
      .then(() => void acknowledged.add(run.name)),
  );
  const allStarted = Promise.allSettled(starts);
  await killWhen(() => acknowledged.size, allStarted);
  await server.kill('SIGKILL');
  await allStarted;
  client.destroy();

  const restartedAt = Date.now();
  await server.start();
  const after = server.client();
  try {
    // Every acknowledged execution, and any other of the round that exists, reaches SUCCEEDED.
    const deadline = Date.now() + 20_000;
    let statuses: Map<string, string>;
    for (;;) {
      statuses = await listStatuses(after, stateMachineArn);
      const ours = runs.filter((run) => statuses.has(run.name));
      const failed = ours.filter(
        (run) => statuses.get(run.name) !== 'SUCCEEDED' && statuses.get(run.name) !== 'RUNNING',
      );
      expect(failed.map((run) => `${run.name}: ${statuses.get(run.name)}`)).toEqual([]);
      const missing = [...acknowledged].filter((name) => !statuses.has(name));
      expect(missing).toEqual([]);
      if (ours.every((run) => statuses.get(run.name) === 'SUCCEEDED')) break;
      if (Date.now() > deadline) {
        const running = ours.filter((run) => statuses.get(run.name) === 'RUNNING').map((run) => run.name);
        throw new Error(
          `still RUNNING after the restart: ${running.slice(0, 10).join(', ')} (${running.length})\n${server.output}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const existing = runs.filter((run) => statuses.has(run.name));
    expect(existing.length).toBeGreaterThanOrEqual(acknowledged.size);
    const problems: string[] = [];
    let resumed = 0;
    await inBatches(existing, 25, async (run) => {
      const executionArn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${run.name}`;
      const described = await after.send(new DescribeExecutionCommand({ executionArn }));
      if (JSON.stringify(JSON.parse(described.output ?? 'null')) !== JSON.stringify(expectedOutput(run))) {
        problems.push(`${run.name}: output ${described.output}`);
      }
      const events = await fullHistory(after, executionArn);
      const ids = events.map((e) => e.id);
      if (ids.join() !== events.map((_, k) => k + 1).join()) problems.push(`${run.name}: ids ${ids.join()}`);
      // AWS's links (see src/interpreter/links.ts): the first state follows event 0, each later event the one before.
      if (events.map((e) => e.previousEventId).join() !== events.map((_, k) => (k === 1 ? 0 : k)).join())
        problems.push(`${run.name}: previousEventIds`);
      const types = events.map((e) => e.type);
      if (types.join() !== expectedTypes.join()) problems.push(`${run.name}: types ${types.join(' ')}`);
      if ((events.at(-1)?.timestamp?.getTime() ?? 0) >= restartedAt) resumed++;
    });
    expect(problems).toEqual([]);
    // The kill comes before the 1 s Wait of the last acknowledged start ends: the restart resumed work.
    if (acknowledged.size > 0) expect(resumed).toBeGreaterThan(0);
  } finally {
    after.destroy();
  }
}

describe('the server killed with SIGKILL and restarted on the same data directory', () => {
  it('round 1: killed at a random moment while the acknowledged executions wait and transition; every one completes', async () => {
    await crashRound(1, async (_acknowledged, allStarted) => {
      await allStarted;
      await new Promise((r) => setTimeout(r, random(0, 700)));
    });
  }, 40_000);

  it('round 2: killed right after firing StartExecution calls without awaiting them, while it is busy committing', async () => {
    const threshold = random(5, 60);
    await crashRound(2, async (acknowledged) => {
      const deadline = Date.now() + 10_000;
      while (acknowledged() < threshold && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    });
  }, 40_000);

  it('round 3: killed at a random moment while starts are still arriving; every acknowledged execution completes', async () => {
    await crashRound(3, async () => {
      await new Promise((r) => setTimeout(r, random(20, 800)));
    });
  }, 40_000);
});
