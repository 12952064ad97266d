/** A Map Run's child inputs: ItemSelector on each item, then ItemBatcher by count and by bytes. */
import { describe, expect, it } from 'vitest';
import { childInputs, childMachine, childName } from '../../../src/engine/map-runs/children.js';
import type { MapState } from '../../../src/interpreter/compiled.js';
import { loadDefinition } from '../../../src/interpreter/load.js';
import { mapRunState, type MapRunSpec } from '../../../src/interpreter/map-run.js';
import type { Json } from '../../../src/json.js';

const rt = { now: () => 0, random: () => 0.5, uuid: () => '00000000-0000-4000-8000-000000000000' };

function mapOf(fields: Record<string, Json>): MapState {
  const loaded = loadDefinition(
    JSON.stringify({
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
          },
          ...fields,
          End: true,
        },
      },
    }),
  );
  if (!loaded.ok) throw new Error(loaded.message);
  return mapRunState(loaded.machine, { list: '', stateName: 'Fan' });
}

const spec = (overrides: Partial<MapRunSpec> = {}): MapRunSpec => ({
  mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:11111111-2222-4333-8444-555555555555',
  redrive: false,
  list: '',
  stateName: 'Fan',
  executionType: 'STANDARD',
  processor: {},
  maxConcurrency: 0,
  selector: { mapInput: { tag: 't' }, stateInput: { tag: 't' }, context: { Execution: { Id: 'x' } }, variables: {} },
  ...overrides,
});

async function collect(s: MapRunSpec, state: MapState, items: Json[]) {
  const out = [];
  for await (const child of childInputs(
    s,
    state,
    items.map((value) => ({ value })),
    rt,
  ))
    out.push(child);
  return out;
}

describe('child inputs', () => {
  it('each item is a child of its own without an ItemBatcher', async () => {
    expect(await collect(spec(), mapOf({}), ['a', 'b'])).toEqual([
      { index: 0, input: 'a', itemCount: 1 },
      { index: 1, input: 'b', itemCount: 1 },
    ]);
  });

  it('ItemSelector sees the item as $$.Map.Item and the Map input as $', async () => {
    const state = mapOf({ ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index', 'tag.$': '$.tag' } });
    expect((await collect(spec(), state, ['a', 'b'])).map((c) => c.input)).toEqual([
      { v: 'a', i: 0, tag: 't' },
      { v: 'b', i: 1, tag: 't' },
    ]);
  });

  it('MaxItemsPerBatch groups items into Items arrays, the last batch holding the rest', async () => {
    const children = await collect(
      spec({ batcher: { maxItemsPerBatch: 2, batchInput: { b: 1 } } }),
      mapOf({}),
      [1, 2, 3],
    );
    expect(children).toEqual([
      { index: 0, input: { Items: [1, 2], BatchInput: { b: 1 } }, itemCount: 2 },
      { index: 1, input: { Items: [3], BatchInput: { b: 1 } }, itemCount: 1 },
    ]);
  });

  it('MaxInputBytesPerBatch closes a batch before the item that would pass the bound', async () => {
    // Each item is 5 bytes as JSON ("aaa" with quotes).
    const children = await collect(spec({ batcher: { maxInputBytesPerBatch: 10 } }), mapOf({}), ['aaa', 'bbb', 'ccc']);
    expect(children.map((c) => c.input)).toEqual([{ Items: ['aaa', 'bbb'] }, { Items: ['ccc'] }]);
  });

  it('a child is named after its run and position: the same name after a restart', () => {
    const arn = spec().mapRunArn;
    expect(childName(arn, 3)).toBe(childName(arn, 3));
    expect(childName(arn, 3)).not.toBe(childName(arn, 4));
    expect(childName(arn, 3)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("the children's state machine is <parent>/<label>, running the processor", () => {
    const machine = childMachine(
      spec({ processor: { StartAt: 'P', States: {} } }),
      { roleArn: 'r', stateMachineName: 'orders' },
      0,
    );
    expect(machine).toMatchObject({
      arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders/Fan',
      name: 'orders/Fan',
      type: 'STANDARD',
      definition: '{"StartAt":"P","States":{}}',
      roleArn: 'r',
    });
  });
});
