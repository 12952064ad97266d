/**
 * The seeded fuzz campaign (issue 18), against the real server in its own process (as `npm start`
 * runs it, on SQLite), so that a crash or a freeze shows as one and cannot take the test runner with
 * it. The rules, for every request however malformed:
 *
 *   - the server answers, in time, with a 2xx or an AWS-shaped 4xx: never a 5xx, never a bare status;
 *   - the server is still alive and `/healthz` still answers;
 *   - an execution's history, however its definition was mangled, numbers its events 1..n and links
 *     each to one that exists.
 *
 * The seed is fixed (STEPWISE_FUZZ_SEED to change it, STEPWISE_FUZZ_RUNS to scale the number of
 * runs), so a failure reproduces: fast-check prints the seed and path, and the failure message ends
 * in a one-line `curl` reproduction.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceAvailable, loadCases } from '../conformance/corpus.js';
import { ServerProcess } from '../e2e/server-process.js';
import { sleep } from '../support/async.js';
import { ROLE } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { exchangeChecked, reproduction, send, type Exchange } from './support/exchange.js';
import { byteEdit, editedBytes, mutated } from './support/mutations.js';

const SEED = Number(process.env.STEPWISE_FUZZ_SEED ?? 20261207);
const SCALE = Number(process.env.STEPWISE_FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/**
 * fast-check's parameters for one property: the fixed seed, the scaled number of runs, no shrinking
 * (a server with state does not shrink well), and a report of one paragraph that ends in the failed
 * request's reproduction, instead of the whole counterexample (which may be megabytes of brackets).
 */
function settings<T>(numRuns: number): fc.Parameters<T> {
  return {
    seed: SEED,
    numRuns: runs(numRuns),
    endOnFailure: true,
    reporter(details) {
      if (!details.failed) return;
      const error = details.errorInstance;
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `fuzz rule broken on run ${details.numRuns} (STEPWISE_FUZZ_SEED=${details.seed}, path ${details.counterexamplePath}): ${message}`,
      );
    },
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let server: ServerProcess;
let dataDir: string;
let url: string;

/**
 * Sends one exchange, checks the answer, and that the server outlived it. A server that died or
 * stopped answering is started again (SIGKILLed first if frozen), so that one failure is reported
 * as itself and not as every run after it.
 */
async function probe(exchange: Exchange): Promise<{ status: number; json: unknown }> {
  try {
    return await exchangeChecked(url, exchange);
  } catch (error) {
    if (server.running && !(error instanceof Error && error.message.startsWith('no answer'))) throw error;
    await server.kill('SIGKILL');
    await server.start();
    throw error;
  } finally {
    if (!server.running) {
      const output = server.output.slice(-2_000);
      await server.start();
      // eslint-disable-next-line no-unsafe-finally -- a death outranks whatever the answer was
      throw new Error(`the server died: ${output}\nreproduce: ${reproduction(exchange)}`);
    }
  }
}

async function call(operation: string, body: Json): Promise<Record<string, unknown>> {
  const answer = await probe({ operation, body: JSON.stringify(body) });
  if (answer.status !== 200)
    throw new Error(`set-up ${operation} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return answer.json as Record<string, unknown>;
}

async function healthy(): Promise<void> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
  expect(response.status).toBe(200);
}

const PASS_CHAIN = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } };
let uniqueName = 0;
const fresh = (prefix: string) => `${prefix}-${++uniqueName}`;

beforeAll(async () => {
  dataDir = tempDir('stepwise-fuzz-');
  // No AWS endpoint is reachable: an aws-sdk Task in a mutated definition fails at once instead of calling AWS.
  server = new ServerProcess(await freePort(), dataDir, {
    env: { STEPWISE_AWS_ENDPOINT: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'fuzz', AWS_SECRET_ACCESS_KEY: 'fuzz' },
  });
  await server.start();
  url = server.url;
  await startBystanders();
}, 60_000);

/**
 * Standard executions started before the campaign, which it must leave as they were: one waiting
 * out an hour-long Wait, one waiting for an activity worker. Their histories are taken now and
 * compared after the campaign; then each is moved on, to show the engine still runs them.
 */
interface Bystander {
  executionArn: string;
  events: unknown[];
}
const bystanders: { waiting?: Bystander; activity?: Bystander & { activityArn: string } } = {};

async function historyOf(executionArn: string): Promise<unknown[]> {
  return (await call('GetExecutionHistory', { executionArn, maxResults: 1000 })).events as unknown[];
}

async function startBystander(name: string, definition: Json): Promise<Bystander> {
  const machine = await call('CreateStateMachine', { name, roleArn: ROLE, definition: JSON.stringify(definition) });
  const { executionArn } = await call('StartExecution', {
    stateMachineArn: machine.stateMachineArn as string,
    name: `${name}-run`,
    input: JSON.stringify({ order: 'o-1' }),
  });
  // Until it waits: the Wait state entered, or the activity scheduled.
  const waitsOn = (events: unknown[]) =>
    events.some((e) => ['WaitStateEntered', 'ActivityScheduled'].includes((e as { type: string }).type));
  for (let i = 0; i < 100; i++) {
    const events = await historyOf(executionArn as string);
    if (waitsOn(events)) return { executionArn: executionArn as string, events };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the bystander ${name} never reached its wait`);
}

async function startBystanders(): Promise<void> {
  bystanders.waiting = await startBystander('bystander-wait', {
    StartAt: 'Hold',
    States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } },
  });
  const { activityArn } = await call('CreateActivity', { name: 'bystander-worker' });
  bystanders.activity = {
    activityArn: activityArn as string,
    ...(await startBystander('bystander-activity', {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: activityArn as string, End: true } },
    })),
  };
}

afterAll(async () => {
  await server.kill('SIGTERM');
  removeDir(dataDir);
});

describe('every operation, its well-formed body mutated, answers a 2xx or an AWS-shaped 4xx', () => {
  it('holds for a seeded sample of mutations of every operation', async () => {
    const standard = String(
      (
        await call('CreateStateMachine', {
          name: 'fuzz-base',
          definition: JSON.stringify(PASS_CHAIN),
          roleArn: ROLE,
          publish: true,
        })
      ).stateMachineArn,
    );
    const { stateMachineVersionArn } = await call('ListStateMachineVersions', { stateMachineArn: standard }).then(
      (page) => (page.stateMachineVersions as { stateMachineVersionArn: string }[])[0]!,
    );
    const express = String(
      (
        await call('CreateStateMachine', {
          name: 'fuzz-express',
          definition: JSON.stringify(PASS_CHAIN),
          roleArn: ROLE,
          type: 'EXPRESS',
        })
      ).stateMachineArn,
    );
    const alias = String(
      (
        await call('CreateStateMachineAlias', {
          name: 'live',
          routingConfiguration: [{ stateMachineVersionArn, weight: 100 }],
        })
      ).stateMachineAliasArn,
    );
    const activity = String((await call('CreateActivity', { name: 'fuzz-activity' })).activityArn);
    const execution = String(
      (await call('StartExecution', { stateMachineArn: standard, input: '{"a":1}' })).executionArn,
    );
    const fanned = String(
      (
        await call('CreateStateMachine', {
          name: 'fuzz-fan',
          definition: JSON.stringify({
            StartAt: 'Fan',
            States: {
              Fan: {
                Type: 'Map',
                ItemProcessor: {
                  ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
                  StartAt: 'P',
                  States: { P: { Type: 'Pass', End: true } },
                },
                End: true,
              },
            },
          }),
          roleArn: ROLE,
        })
      ).stateMachineArn,
    );
    const fanExecution = String(
      (await call('StartExecution', { stateMachineArn: fanned, input: '[1,2]' })).executionArn,
    );
    // The Map Run is recorded when the parent's Map state starts it.
    let mapRun = '';
    for (const deadline = Date.now() + 10_000; !mapRun && Date.now() < deadline; await sleep(10)) {
      const runs = (await call('ListMapRuns', { executionArn: fanExecution })).mapRuns as { mapRunArn: string }[];
      mapRun = runs[0]?.mapRunArn ?? '';
    }
    const missingActivity = activity.replace('fuzz-activity', 'no-such-activity');
    const token = 'AAAAKgAAAAIAAAAAAAAAAZZZZ';

    const bases: Record<string, Json> = {
      CreateActivity: { name: 'fuzz-activity-2', tags: [{ key: 'k', value: 'v' }] },
      CreateStateMachine: {
        name: 'fuzz-created',
        definition: JSON.stringify(PASS_CHAIN),
        roleArn: ROLE,
        type: 'STANDARD',
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
        tags: [{ key: 'k', value: 'v' }],
      },
      CreateStateMachineAlias: {
        name: 'other',
        description: 'd',
        routingConfiguration: [{ stateMachineVersionArn, weight: 100 }],
      },
      DeleteActivity: { activityArn: missingActivity },
      DeleteStateMachine: { stateMachineArn: standard.replace('fuzz-base', 'no-such-machine') },
      DeleteStateMachineAlias: { stateMachineAliasArn: `${standard}:no-such-alias` },
      DeleteStateMachineVersion: { stateMachineVersionArn: `${standard}:99` },
      DescribeActivity: { activityArn: activity },
      DescribeExecution: { executionArn: execution, includedData: 'ALL_DATA' },
      DescribeMapRun: { mapRunArn: mapRun },
      DescribeStateMachine: { stateMachineArn: standard, includedData: 'ALL_DATA' },
      DescribeStateMachineAlias: { stateMachineAliasArn: alias },
      DescribeStateMachineForExecution: { executionArn: execution, includedData: 'ALL_DATA' },
      GetActivityTask: { activityArn: missingActivity, workerName: 'w' },
      GetExecutionHistory: { executionArn: execution, maxResults: 10, reverseOrder: false, includeExecutionData: true },
      ListActivities: { maxResults: 10 },
      ListExecutions: { stateMachineArn: standard, statusFilter: 'SUCCEEDED', maxResults: 10 },
      ListMapRuns: { executionArn: fanExecution, maxResults: 10 },
      ListStateMachineAliases: { stateMachineArn: standard, maxResults: 10 },
      ListStateMachineVersions: { stateMachineArn: standard, maxResults: 10 },
      ListStateMachines: { maxResults: 10 },
      ListTagsForResource: { resourceArn: standard },
      PublishStateMachineVersion: { stateMachineArn: standard, description: 'd' },
      RedriveExecution: { executionArn: execution, clientToken: 'token-1' },
      SendTaskFailure: { taskToken: token, error: 'E', cause: 'C' },
      SendTaskHeartbeat: { taskToken: token },
      SendTaskSuccess: { taskToken: token, output: '{"ok":true}' },
      StartExecution: { stateMachineArn: standard, name: 'fuzz-run', input: '{"a":[1,2,3]}' },
      StartSyncExecution: { stateMachineArn: express, input: '{"a":{"b":"c"}}' },
      StopExecution: { executionArn: execution, error: 'E', cause: 'C' },
      TagResource: { resourceArn: standard, tags: [{ key: 'k2', value: 'v2' }] },
      TestState: {
        definition: JSON.stringify({ Type: 'Pass', Parameters: { 'x.$': '$.a' }, End: true }),
        roleArn: ROLE,
        input: '{"a":1}',
        inspectionLevel: 'DEBUG',
      },
      UntagResource: { resourceArn: standard, tagKeys: ['k2'] },
      UpdateMapRun: {
        mapRunArn: mapRun,
        maxConcurrency: 5,
        toleratedFailureCount: 1,
        toleratedFailurePercentage: 10.5,
      },
      UpdateStateMachine: { stateMachineArn: standard, definition: JSON.stringify(PASS_CHAIN), publish: false },
      UpdateStateMachineAlias: {
        stateMachineAliasArn: alias,
        routingConfiguration: [{ stateMachineVersionArn, weight: 100 }],
      },
      ValidateStateMachineDefinition: {
        definition: JSON.stringify(PASS_CHAIN),
        type: 'STANDARD',
        severity: 'ERROR',
        maxResults: 10,
      },
    };
    const operations = Object.keys(bases);
    const sample = fc
      .constantFrom(...operations)
      .chain((operation) =>
        fc.record({ operation: fc.constant(operation), document: mutated(bases[operation]!), bytes: byteEdit }),
      );

    await fc.assert(
      fc.asyncProperty(sample, async ({ operation, document, bytes }) => {
        await probe({ operation, body: editedBytes(document.text, bytes) });
      }),
      settings(400),
    );
    await healthy();
  }, 600_000);

  it('holds for unknown operations and bodies that are not JSON objects', async () => {
    const target = fc.oneof(
      fc.constantFrom('', 'startExecution', 'StartExecution ', 'Start%00', 'DescribeMapRun'),
      fc.string({ maxLength: 20 }),
    );
    const body = fc.oneof(
      fc.constantFrom('', 'null', '[]', '"x"', '1', '{', '{"a":1}{"b":2}'),
      fc.string({ unit: 'binary', maxLength: 50 }),
    );
    await fc.assert(
      fc.asyncProperty(target, body, async (operation, text) => {
        const exchange = { operation: encodeURIComponent(operation), body: text };
        const answer = await send(url, exchange);
        if (answer.status >= 500) throw new Error(`answered ${answer.status}; reproduce: ${reproduction(exchange)}`);
      }),
      settings(100),
    );
    await healthy();
  }, 600_000);
});

/** The corpus's valid definitions: what users write, for mutations to start from. */
function corpusDefinitions(): { definition: Json; input: Json; type: 'STANDARD' | 'EXPRESS' }[] {
  return loadCases()
    .filter((c) => c.expect.invalidDefinition === undefined && c.definition !== undefined)
    .map((c) => ({
      definition: c.definition as Json,
      input: (c.input ?? {}) as Json,
      type: c.stateMachineType ?? 'STANDARD',
    }));
}

interface HistoryEvent {
  id: number;
  previousEventId?: number;
  type: string;
}

/** The whole history of an execution, page by page. */
async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call('GetExecutionHistory', {
      executionArn,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...(page.events as HistoryEvent[]));
    nextToken = page.nextToken as string | undefined;
  } while (nextToken);
  return events;
}

/** Ids 1..n in order, and every previousEventId names an earlier event (or 0). */
function historyProblem(events: HistoryEvent[]): string | undefined {
  const seen = new Set<number>([0]);
  for (const [i, event] of events.entries()) {
    if (event.id !== i + 1) return `event ${i + 1} has id ${event.id} (${event.type})`;
    if (event.previousEventId !== undefined && !seen.has(event.previousEventId))
      return `event ${event.id} (${event.type}) follows ${event.previousEventId}, which does not exist`;
    seen.add(event.id);
  }
  return undefined;
}

describe.skipIf(!conformanceAvailable)('mutated corpus definitions are validated, created and run without harm', () => {
  it('answers a 2xx or an AWS-shaped 4xx, and every history it writes is contiguous', async () => {
    const definitions = corpusDefinitions();
    const sample = fc
      .nat({ max: definitions.length - 1 })
      .chain((i) => fc.record({ base: fc.constant(definitions[i]!), document: mutated(definitions[i]!.definition) }));

    await fc.assert(
      fc.asyncProperty(sample, async ({ base, document }) => {
        await probe({
          operation: 'ValidateStateMachineDefinition',
          body: JSON.stringify({ definition: document.text, type: base.type }),
        });
        const created = await probe({
          operation: 'CreateStateMachine',
          body: JSON.stringify({ name: fresh('fuzz-def'), definition: document.text, roleArn: ROLE, type: base.type }),
        });
        if (created.status !== 200) return;
        const { stateMachineArn } = created.json as { stateMachineArn: string };
        if (base.type === 'EXPRESS') {
          await call('DeleteStateMachine', { stateMachineArn });
          return;
        }
        const started = await probe({
          operation: 'StartExecution',
          body: JSON.stringify({ stateMachineArn, input: JSON.stringify(base.input) }),
        });
        if (started.status === 200) {
          const { executionArn } = started.json as { executionArn: string };
          for (let i = 0; i < 10; i++) {
            const { status } = await call('DescribeExecution', { executionArn });
            if (status !== 'RUNNING') break;
            await new Promise((r) => setTimeout(r, 30));
          }
          await probe({ operation: 'StopExecution', body: JSON.stringify({ executionArn }) });
          const problem = historyProblem(await history(executionArn));
          if (problem) throw new Error(`${problem}; definition (${document.label}): ${document.text.slice(0, 2_000)}`);
        }
        await call('DeleteStateMachine', { stateMachineArn });
      }),
      settings(150),
    );
    await healthy();
  }, 600_000);
});

/** Expressions that cost without bound unless the server bounds them, sized by `n`. */
const hostile: { name: string; state: (n: number) => Json; input: (n: number) => Json }[] = [
  {
    name: 'endless JSONata recursion',
    state: () => ({
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: '{% ($f := function($n){ $f($n+1) }; $f(0)) %}',
      End: true,
    }),
    input: () => ({}),
  },
  {
    name: 'JSONata allocation',
    state: (n) => ({
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: `{% $count($map([1..${n * 1000}], function($v){ [1..100] })) %}`,
      End: true,
    }),
    input: () => ({}),
  },
  {
    name: 'catastrophic JSONata regex',
    state: () => ({
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: '{% $contains($states.input.s, /^(a|aa)+$/) %}',
      End: true,
    }),
    input: (n) => ({ s: `${'a'.repeat(n)}b` }),
  },
  {
    name: 'catastrophic JSONPath filter regex',
    state: () => ({ Type: 'Pass', Parameters: { 'x.$': '$.a[?(@ =~ /^(a|aa)+$/)]' }, End: true }),
    input: (n) => ({ a: [`${'a'.repeat(n)}b`] }),
  },
  {
    name: 'StringMatches with many wildcards',
    state: () => ({
      Type: 'Choice',
      Choices: [{ Variable: '$.s', StringMatches: '*a*a*a*a*a*a*a*a*b', Next: 'X' }],
      Default: 'X',
    }),
    input: (n) => ({ s: 'a'.repeat(n * 100) }),
  },
  {
    name: 'a huge ArrayRange',
    state: (n) => ({ Type: 'Pass', Parameters: { 'x.$': `States.ArrayRange(1, ${n * 1_000_000}, 1)` }, End: true }),
    input: () => ({}),
  },
  {
    name: 'StringToJson of deep text',
    state: () => ({ Type: 'Pass', Parameters: { 'x.$': 'States.StringToJson($.text)' }, End: true }),
    input: (n) => ({ text: `${'['.repeat(n * 200)}${']'.repeat(n * 200)}` }),
  },
  {
    name: 'a deep JSONata result',
    state: (n) => ({
      Type: 'Pass',
      QueryLanguage: 'JSONata',
      Output: `{% $reduce([1..${n * 200}], function($acc){ {"a": $acc} }, {}) %}`,
      End: true,
    }),
    input: () => ({}),
  },
];

describe('hostile expressions are bounded: TestState answers, and the server goes on answering', () => {
  it('holds for each hostile expression at seeded sizes', async () => {
    const sample = fc.record({ expression: fc.constantFrom(...hostile), n: fc.integer({ min: 1, max: 60 }) });
    await fc.assert(
      fc.asyncProperty(sample, async ({ expression, n }) => {
        const body = {
          definition: JSON.stringify(expression.state(n)),
          roleArn: ROLE,
          input: JSON.stringify(expression.input(n)),
        };
        await probe({ operation: 'TestState', body: JSON.stringify(body) });
        await healthy();
      }),
      settings(24),
    );
  }, 600_000);
});

describe('Standard executions started before the campaign are intact after it', () => {
  it('each is still running with the history it had, and still moves on when asked', async () => {
    const { waiting, activity } = bystanders;
    if (!waiting || !activity) throw new Error('the bystanders were not started');
    for (const bystander of [waiting, activity]) {
      const described = await call('DescribeExecution', { executionArn: bystander.executionArn });
      expect(described.status).toBe('RUNNING');
      expect(await historyOf(bystander.executionArn)).toEqual(bystander.events);
    }

    const task = await call('GetActivityTask', { activityArn: activity.activityArn, workerName: 'after-fuzz' });
    expect(JSON.parse(task.input as string)).toEqual({ order: 'o-1' });
    await call('SendTaskSuccess', { taskToken: task.taskToken as string, output: '{"done":true}' });
    await expect
      .poll(async () => (await call('DescribeExecution', { executionArn: activity.executionArn })).status, {
        timeout: 10_000,
      })
      .toBe('SUCCEEDED');

    await call('StopExecution', { executionArn: waiting.executionArn, error: 'AfterFuzz' });
    const stopped = await call('DescribeExecution', { executionArn: waiting.executionArn });
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'AfterFuzz' });
  }, 60_000);
});
