/**
 * A throwaway ExecutionStore for the API tests until the memory adapter lands: plain Maps, offset
 * cursors, commits checked against the execution's version. Swap it in `harness.ts`.
 */
import type { HistoryEvent } from '../../src/interpreter/history.js';
import type {
  AliasRecord,
  Commit,
  CommitResult,
  ExecutionFilter,
  ExecutionRecord,
  ExecutionStore,
  ExecutionSummary,
  Page,
  PageRequest,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
  TimerRecord,
} from '../../src/store/types.js';

const clone = <T>(value: T): T => structuredClone(value);

function page<T>(items: T[], request: PageRequest): Page<T> {
  const start = request.after === undefined ? 0 : Number(request.after);
  const slice = items.slice(start, start + request.limit);
  const end = start + slice.length;
  return { items: clone(slice), ...(end < items.length ? { next: String(end) } : {}) };
}

export class FakeStore implements ExecutionStore {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly versions = new Map<string, StateMachineVersionRecord>();
  private readonly aliases = new Map<string, AliasRecord>();
  private readonly tags = new Map<string, Record<string, string>>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly history = new Map<string, HistoryEvent[]>();

  async createStateMachine(record: StateMachineRecord): Promise<'ok' | 'exists'> {
    if (this.machines.has(record.arn)) return 'exists';
    this.machines.set(record.arn, clone(record));
    return 'ok';
  }
  async getStateMachine(arn: string) {
    return clone(this.machines.get(arn));
  }
  async updateStateMachine(record: StateMachineRecord) {
    this.machines.set(record.arn, clone(record));
  }
  async deleteStateMachine(arn: string) {
    this.machines.delete(arn);
    this.tags.delete(arn);
    for (const map of [this.versions, this.aliases]) {
      for (const [key, value] of map) if (value.stateMachineArn === arn) map.delete(key);
    }
  }
  async listStateMachines(request: PageRequest) {
    return page([...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name)), request);
  }

  async createVersion(record: StateMachineVersionRecord) {
    this.versions.set(record.arn, clone(record));
  }
  async getVersion(arn: string) {
    return clone(this.versions.get(arn));
  }
  async listVersions(stateMachineArn: string, request: PageRequest) {
    const items = [...this.versions.values()].filter((v) => v.stateMachineArn === stateMachineArn).sort((a, b) => b.version - a.version);
    return page(items, request);
  }
  async deleteVersion(arn: string) {
    this.versions.delete(arn);
  }

  async putAlias(record: AliasRecord) {
    this.aliases.set(record.arn, clone(record));
  }
  async getAlias(arn: string) {
    return clone(this.aliases.get(arn));
  }
  async listAliases(stateMachineArn: string, request: PageRequest) {
    return page([...this.aliases.values()].filter((a) => a.stateMachineArn === stateMachineArn), request);
  }
  async deleteAlias(arn: string) {
    this.aliases.delete(arn);
  }

  async getTags(arn: string) {
    return { ...(this.tags.get(arn) ?? {}) };
  }
  async setTags(arn: string, tags: Record<string, string>) {
    this.tags.set(arn, { ...(this.tags.get(arn) ?? {}), ...tags });
  }
  async removeTags(arn: string, keys: string[]) {
    const tags = this.tags.get(arn) ?? {};
    for (const key of keys) delete tags[key];
  }

  async getExecution(arn: string) {
    return clone(this.executions.get(arn));
  }
  async listExecutions(filter: ExecutionFilter, request: PageRequest): Promise<Page<ExecutionSummary>> {
    const items = [...this.executions.values()]
      .filter(
        (e) =>
          (filter.stateMachineArn === undefined || e.stateMachineArn === filter.stateMachineArn) &&
          (filter.stateMachineVersionArn === undefined || e.stateMachineVersionArn === filter.stateMachineVersionArn) &&
          (filter.stateMachineAliasArn === undefined || e.stateMachineAliasArn === filter.stateMachineAliasArn) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.redriveFilter === undefined || (filter.redriveFilter === 'REDRIVEN') === e.redriveCount > 0),
      )
      .sort((a, b) => b.startDate - a.startDate || b.arn.localeCompare(a.arn))
      .map(({ state: _state, input: _input, output: _output, version: _version, definition: _definition, ...summary }) => summary);
    return page(items, request);
  }
  async getHistory(arn: string, options: { afterId?: number; limit: number; reverse?: boolean }) {
    const events = this.history.get(arn) ?? [];
    const { afterId, reverse = false } = options;
    const selected = reverse
      ? events.filter((e) => afterId === undefined || e.id < afterId).reverse()
      : events.filter((e) => afterId === undefined || e.id > afterId);
    return clone(selected.slice(0, options.limit));
  }

  async commit(commits: Commit[]): Promise<CommitResult[]> {
    return commits.map((commit) => {
      const current = this.executions.get(commit.execution.arn);
      if ((current?.version ?? 0) !== commit.expectedVersion) return 'conflict';
      this.executions.set(commit.execution.arn, clone(commit.execution));
      this.history.set(commit.execution.arn, [...(this.history.get(commit.execution.arn) ?? []), ...clone(commit.events)]);
      return 'ok';
    });
  }

  async runningExecutions() {
    return [...this.executions.values()].filter((e) => e.status === 'RUNNING').map((e) => e.arn);
  }
  async dueTimers(): Promise<TimerRecord[]> {
    return [];
  }
  async nextTimerAt() {
    return undefined;
  }
  async pendingTasks(): Promise<TaskRecord[]> {
    return [];
  }
  async close() {}
}
