/**
 * The cluster test's machinery (test/e2e/cluster.test.ts): the workload every execution runs (a
 * Wait, an activity Task and a callback Task on a local function), a node process with its client
 * and its view of GET /cluster/nodes, the clients (activity workers and callback senders, which go
 * on against the live nodes when one dies), the sink the callback function posts its token to,
 * and the check of one finished execution's output and history.
 */
import { createServer, type Server } from 'node:http';
import {
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sleep } from '../support/async.js';
import { fullHistory } from '../support/aws.js';
import type { ServerProcess } from './server-process.js';

/** How long the callback function sleeps before posting its token (it holds the lease meanwhile). */
export const FUNCTION_DELAY_MS = 100;
export const LONGEST_WAIT_S = 2;

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** The local function of the callback Task: posts its token to the test's sink, then returns. */
export const CALLBACK_FUNCTION = `
import { setTimeout as sleep } from 'node:timers/promises';
export const handler = async (event) => {
  await sleep(event.delayMs);
  const response = await fetch(event.sink, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: event.token, i: event.i }),
  });
  if (!response.ok) throw new Error('the sink answered ' + response.status);
  return { posted: true };
};
`;

export function definitionFor(activityArn: string, sinkUrl: string) {
  return {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { 'i.$': '$.i', 'wait.$': '$.wait' }, Next: 'Pause' },
      Pause: { Type: 'Wait', SecondsPath: '$.wait', Next: 'Work' },
      Work: {
        Type: 'Task',
        Resource: activityArn,
        Parameters: { 'i.$': '$.i' },
        ResultPath: '$.work',
        Next: 'Callback',
      },
      Callback: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'callback',
          Payload: { 'token.$': '$$.Task.Token', 'i.$': '$.i', sink: sinkUrl, delayMs: FUNCTION_DELAY_MS },
        },
        ResultPath: '$.callback',
        Next: 'Done',
      },
      Done: {
        Type: 'Pass',
        Parameters: {
          'i.$': '$.i',
          'wait.$': '$.wait',
          'doubled.$': '$.work.doubled',
          'tripled.$': '$.callback.tripled',
        },
        End: true,
      },
    },
  };
}
export const STATES = ['Prepare', 'Pause', 'Work', 'Callback', 'Done'];
export const EXPECTED_TYPES = [
  'ExecutionStarted',
  'PassStateEntered',
  'PassStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'TaskStateEntered',
  'ActivityScheduled',
  'ActivityStarted',
  'ActivitySucceeded',
  'TaskStateExited',
  'TaskStateEntered',
  'TaskScheduled',
  'TaskStarted',
  'TaskSubmitted',
  'TaskSucceeded',
  'TaskStateExited',
  'PassStateEntered',
  'PassStateExited',
  'ExecutionSucceeded',
];

export interface Run {
  name: string;
  i: number;
  wait: number;
}
export const runsOf = (prefix: string, count: number, base: number): Run[] =>
  Array.from({ length: count }, (_, k) => ({ name: `${prefix}-${k}`, i: base + k, wait: 1 + (k % LONGEST_WAIT_S) }));
export const expectedOutput = ({ i, wait }: Run) => ({ i, wait, doubled: 2 * i, tripled: 3 * i });

export interface NodeView {
  id: string;
  address?: string;
  startedAt: number;
  heartbeatAt: number;
  leaseUntil: number;
  alive: boolean;
  executions: number;
  stats: Record<string, number>;
}
export interface ClusterView {
  self: string;
  nodes: NodeView[];
}

export class Node {
  client: SFNClient;
  /** GetActivityTask calls to this node not answered yet. */
  polls = 0;

  constructor(
    readonly id: string,
    readonly server: ServerProcess,
  ) {
    this.client = server.client();
  }

  /** A fresh client (after a restart: the old one's keep-alive sockets died with the process). */
  renewClient(): void {
    this.client.destroy();
    this.client = this.server.client();
  }

  async view(): Promise<ClusterView> {
    const response = await fetch(`${this.server.url}/cluster/nodes`);
    const text = await response.text();
    if (!response.ok) throw new Error(`GET /cluster/nodes on ${this.id}: ${response.status} ${text}`);
    return JSON.parse(text) as ClusterView;
  }

  async viewOf(id: string): Promise<NodeView> {
    const view = await this.view();
    const found = view.nodes.find((n) => n.id === id);
    if (!found) throw new Error(`GET /cluster/nodes on ${this.id} does not list ${id}: ${JSON.stringify(view)}`);
    return found;
  }
}

/** A request that never reached an answer (connection refused or reset): it may be retried elsewhere. */
function unanswered(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined;
}
const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));

/**
 * The clients: activity workers (GetActivityTask on a node of `polling`, SendTaskSuccess on a node
 * of `sending`) and the callback senders (the tokens the function posts to the sink, answered on a
 * node of `sending`). Requests that get no answer (their node died under them) are sent again to
 * another live node; refusals (a token already used or superseded) are counted, not retried.
 */
export class Traffic {
  polling: Node[] = [];
  sending: Node[] = [];
  stopped = false;
  activitiesAnswered = 0;
  callbacksAnswered = 0;
  readonly refused = new Map<string, number>();
  readonly unansweredCalls = new Map<string, number>();
  private readonly tokens: { token: string; i: number }[] = [];
  private wake: (() => void) | undefined;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly activityArn: string,
    nodes: Node[],
    workers: number,
    callbackSenders: number,
  ) {
    this.polling = [...nodes];
    this.sending = [...nodes];
    for (let w = 0; w < workers; w++) this.loops.push(this.worker(w));
    for (let c = 0; c < callbackSenders; c++) this.loops.push(this.callbackSender());
  }

  /** Tokens the callback function posted, by execution input `i` (one per invocation). */
  readonly invocations = new Map<number, number>();

  /** The sink's handler: a token the function posted. */
  token(token: string, i: number): void {
    this.invocations.set(i, (this.invocations.get(i) ?? 0) + 1);
    this.tokens.push({ token, i });
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.all(this.loops);
  }

  private count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** Sends until a node answers; true when the answer is a success. */
  private async send(what: string, call: (client: SFNClient) => Promise<unknown>): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const node = pick(this.sending);
      try {
        await call(node.client);
        return true;
      } catch (error) {
        if (!unanswered(error)) {
          this.count(this.refused, `${what}: ${errorName(error)}`);
          return false;
        }
        this.count(this.unansweredCalls, `${what} on ${node.id}: ${errorName(error)}`);
        if (attempt > 200) throw new Error(`${what}: no node answered in 200 attempts (${errorName(error)})`);
        await sleep(25);
      }
    }
  }

  private async worker(w: number): Promise<void> {
    while (!this.stopped) {
      const node = pick(this.polling);
      node.polls++;
      let task;
      try {
        task = await node.client.send(
          new GetActivityTaskCommand({ activityArn: this.activityArn, workerName: `worker-${w}` }),
        );
      } catch (error) {
        this.count(this.unansweredCalls, `GetActivityTask on ${node.id}: ${errorName(error)}`);
        await sleep(25);
        continue;
      } finally {
        node.polls--;
      }
      if (!task.taskToken) continue;
      const { i } = JSON.parse(task.input ?? '{}') as { i: number };
      const taskToken = task.taskToken;
      if (
        await this.send('activity SendTaskSuccess', (client) =>
          client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ doubled: 2 * i }) })),
        )
      ) {
        this.activitiesAnswered++;
      }
    }
  }

  private async callbackSender(): Promise<void> {
    while (!this.stopped) {
      const next = this.tokens.shift();
      if (!next) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 200);
        });
        continue;
      }
      const output = JSON.stringify({ tripled: 3 * next.i });
      if (
        await this.send('callback SendTaskSuccess', (client) =>
          client.send(new SendTaskSuccessCommand({ taskToken: next.token, output })),
        )
      ) {
        this.callbacksAnswered++;
      }
    }
  }

  summary(): string {
    const list = (map: Map<string, number>) => [...map].map(([k, v]) => `${k} × ${v}`).join('; ') || 'none';
    return `activities answered ${this.activitiesAnswered}, callbacks answered ${this.callbacksAnswered}; refused: ${list(this.refused)}; unanswered: ${list(this.unansweredCalls)}`;
  }
}

/** The HTTP sink the callback function posts `{ token, i }` to; `onToken` gets each one. */
export async function startTokenSink(
  onToken: (token: string, i: number) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const sink: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { token, i } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { token: string; i: number };
      response.end('ok');
      onToken(token, i);
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const address = sink.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}

/** What is wrong with one finished execution's output and history (empty when nothing), and how late its Wait ended. */
export async function problemsOf(
  client: SFNClient,
  executionArn: string,
  run: Run,
): Promise<{ problems: string[]; waitLateMs: number }> {
  const problems: string[] = [];
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  if (described.status !== 'SUCCEEDED') problems.push(`status ${described.status}`);
  if (JSON.stringify(JSON.parse(described.output ?? 'null')) !== JSON.stringify(expectedOutput(run)))
    problems.push(`output ${described.output}`);
  const events = await fullHistory(client, executionArn);
  const ids = events.map((e) => e.id);
  if (ids.join() !== events.map((_, k) => k + 1).join()) problems.push(`ids ${ids.join()}`);
  if (new Set(ids).size !== ids.length) problems.push('duplicate event ids');
  const types = events.map((e) => e.type);
  const count = (type: string) => types.filter((t) => t === type).length;
  if (count('ExecutionStarted') !== 1 || types[0] !== 'ExecutionStarted')
    problems.push(`${count('ExecutionStarted')} ExecutionStarted, first ${types[0]}`);
  if (count('ExecutionSucceeded') !== 1 || types.at(-1) !== 'ExecutionSucceeded')
    problems.push(`${count('ExecutionSucceeded')} ExecutionSucceeded, last ${types.at(-1)}`);
  for (const state of STATES) {
    const entered = events.filter((e) => e.stateEnteredEventDetails?.name === state).length;
    const exited = events.filter((e) => e.stateExitedEventDetails?.name === state).length;
    if (entered !== 1 || exited !== 1) problems.push(`${state} entered ${entered}, exited ${exited} times`);
  }
  // TaskSubmitted records the function's return; when the callback's SendTaskSuccess is applied
  // first (the function posts its token before it returns), there is none: either is right.
  if (
    count('TaskSubmitted') > 1 ||
    types.filter((t) => t !== 'TaskSubmitted').join() !== EXPECTED_TYPES.filter((t) => t !== 'TaskSubmitted').join()
  ) {
    problems.push(`events ${types.join(' ')}`);
  }
  const waitEntered = events.find((e) => e.type === 'WaitStateEntered')?.timestamp?.getTime() ?? NaN;
  const waitExited = events.find((e) => e.type === 'WaitStateExited')?.timestamp?.getTime() ?? NaN;
  return { problems: problems.map((p) => `${run.name}: ${p}`), waitLateMs: waitExited - waitEntered - run.wait * 1000 };
}
