/**
 * How far a Map Run got: items and children read, started and finished by status. The run keeps
 * it in memory, decides its tolerated failure threshold by it, and stores it in its row's `detail`
 * for DescribeMapRun (./describe.ts), which adds the finished children the store counts.
 */
import { isJsonObject, type JsonObject } from '../../json.js';
import type { MapRunChildRecord, MapRunRecord } from '../../store/types.js';
import type { ChildInput } from './children.js';

type Finished = MapRunChildRecord['status'];

/** What a run stores of its progress (MapRunRecord.detail). */
export type MapRunDetail = {
  itemsRead: number;
  childrenRead: number;
  itemsStarted: number;
  childrenStarted: number;
  /** Every item has been read: `itemsRead` is the total. */
  readerDone: boolean;
  /** How many items there are, when known before they are read (inline items). */
  itemsKnown?: number;
  /** A redrive of the parent reopened the run: its failed children run again. */
  redriving?: boolean;
  error?: string;
  cause?: string;
};

export function detailOf(record: Pick<MapRunRecord, 'detail'>): MapRunDetail {
  const d: JsonObject = isJsonObject(record.detail) ? record.detail : {};
  const n = (key: string) => (typeof d[key] === 'number' ? d[key] : 0);
  return {
    itemsRead: n('itemsRead'),
    childrenRead: n('childrenRead'),
    itemsStarted: n('itemsStarted'),
    childrenStarted: n('childrenStarted'),
    readerDone: d.readerDone === true,
    ...(typeof d.itemsKnown === 'number' ? { itemsKnown: d.itemsKnown } : {}),
    ...(d.redriving === true ? { redriving: true } : {}),
    ...(typeof d.error === 'string' ? { error: d.error } : {}),
    ...(typeof d.cause === 'string' ? { cause: d.cause } : {}),
  };
}

export class MapRunProgress {
  private itemsRead = 0;
  private childrenRead = 0;
  private itemsStarted = 0;
  private childrenStarted = 0;
  private done = false;
  private failedItems = 0;

  /** With the items given inline, their number is known before any is read. */
  constructor(private readonly knownTotalItems?: number) {}

  read(child: ChildInput): void {
    this.itemsRead += child.itemCount;
    this.childrenRead += 1;
  }

  readerDone(): void {
    this.done = true;
  }

  /** A child found finished when the run (re)opened. */
  restored(row: Pick<MapRunChildRecord, 'status' | 'itemCount'>): void {
    if (row.status !== 'SUCCEEDED') this.failedItems += row.itemCount;
  }

  started(child: ChildInput): void {
    this.itemsStarted += child.itemCount;
    this.childrenStarted += 1;
  }

  finished(child: ChildInput, status: Finished): void {
    if (status !== 'SUCCEEDED') this.failedItems += child.itemCount;
  }

  private get totalItems(): number | undefined {
    return this.done ? this.itemsRead : this.knownTotalItems;
  }

  /**
   * Past the threshold while the run goes on: more failed items than ToleratedFailureCount, and
   * (when a percentage is set) more than that share of all items, once their number is known.
   */
  exceeds(limits: Pick<MapRunRecord, 'toleratedFailureCount' | 'toleratedFailurePercentage'>): boolean {
    if (this.failedItems <= limits.toleratedFailureCount) return false;
    if (limits.toleratedFailurePercentage <= 0) return true;
    const total = this.totalItems;
    return total !== undefined && total > 0 && (this.failedItems / total) * 100 > limits.toleratedFailurePercentage;
  }

  /** At the end: within ToleratedFailureCount, or within ToleratedFailurePercentage of all items. */
  withinTolerance(limits: Pick<MapRunRecord, 'toleratedFailureCount' | 'toleratedFailurePercentage'>): boolean {
    if (this.failedItems <= limits.toleratedFailureCount) return true;
    const total = this.totalItems ?? this.itemsRead;
    return total > 0 && (this.failedItems / total) * 100 <= limits.toleratedFailurePercentage;
  }

  detail(): MapRunDetail {
    return {
      itemsRead: this.itemsRead,
      childrenRead: this.childrenRead,
      itemsStarted: this.itemsStarted,
      childrenStarted: this.childrenStarted,
      readerDone: this.done,
      ...(this.knownTotalItems !== undefined ? { itemsKnown: this.knownTotalItems } : {}),
    };
  }
}
