/**
 * Execution status change events in the shape EventBridge receives them from Step Functions
 * (`detail-type: "Step Functions Execution Status Change"`, `source: "aws.states"`), one for each
 * status a Standard execution takes: RUNNING when it starts or is redriven, then SUCCEEDED, FAILED,
 * TIMED_OUT or ABORTED. Each event is an outbox message of the commit that makes the change, one
 * per webhook, so it is stored with that commit and delivered afterwards (./webhooks.ts).
 */
import { randomUUID } from 'node:crypto';
import { redriveVerdict } from '../engine/executions.js';
import type { CommitOutbox } from '../engine/observer.js';
import type { Json } from '../json.js';
import type { Commit, ExecutionRecord, OutboxMessage } from '../store/types.js';
import { parseStatesArn } from '../vocabulary/arn.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';

export const DETAIL_TYPE = 'Step Functions Execution Status Change';

/** The status each of these history events moves the execution to. */
const STATUS_OF: Partial<Record<HistoryEvent['type'], ExecutionRecord['status']>> = {
  ExecutionStarted: 'RUNNING',
  ExecutionRedriven: 'RUNNING',
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

/** `2019-02-26T19:42:21Z`: EventBridge's `time`, to the second. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The event for an execution as it is after a commit, at `status`. */
export function statusChangeEvent(
  record: ExecutionRecord,
  status: ExecutionRecord['status'],
  at: number,
  id: string = randomUUID(),
): Record<string, Json> {
  const parsed = parseStatesArn(record.arn);
  const [region, account] = parsed.ok ? [parsed.arn.region, parsed.arn.account] : ['', ''];
  const running = status === 'RUNNING';
  const view = running
    ? { ...record, status, stopDate: undefined, output: undefined, error: undefined, cause: undefined }
    : { ...record, status };
  const verdict = redriveVerdict(view, at);
  const detail: Record<string, Json> = {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status,
    startDate: record.startDate,
    stopDate: running ? null : (record.stopDate ?? at),
    input: record.input,
    inputDetails: { included: true },
    output: running ? null : (record.output ?? null),
    outputDetails: running || record.output === undefined ? null : { included: true },
    error: running ? null : (record.error ?? null),
    cause: running ? null : (record.cause ?? null),
    redriveCount: record.redriveCount,
    ...(record.redriveDate !== undefined ? { redriveDate: record.redriveDate } : {}),
    redriveStatus: verdict.redrivable ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
    ...(verdict.redrivable ? {} : { redriveStatusReason: verdict.reason }),
    ...(record.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: record.stateMachineVersionArn } : {}),
    ...(record.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: record.stateMachineAliasArn } : {}),
  };
  return {
    version: '0',
    id,
    'detail-type': DETAIL_TYPE,
    source: 'aws.states',
    account,
    time: eventTime(at),
    region,
    resources: [record.arn],
    detail,
  };
}

/** The outbox port of the engine: a status change event per webhook for each commit that changes the status. */
export class StatusEvents implements CommitOutbox {
  constructor(
    private readonly targets: readonly string[],
    /** A commit with messages is durable (wakes the deliverer). */
    private readonly onCommitted: () => void = () => {},
    private readonly uuid: () => string = randomUUID,
  ) {}

  messagesFor(commit: Commit): OutboxMessage[] {
    if (this.targets.length === 0) return [];
    const messages: OutboxMessage[] = [];
    for (const event of commit.events) {
      const status = STATUS_OF[event.type];
      if (status === undefined) continue;
      const body = JSON.stringify(statusChangeEvent(commit.execution, status, event.timestamp, this.uuid()));
      for (const target of this.targets) messages.push({ target, body, createdAt: event.timestamp });
    }
    return messages;
  }

  committed(): void {
    this.onCommitted();
  }
}
