import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Json, JsonObject } from '../../../src/json.js';
import { readItemRecords, readItems, type ItemReaderSpec } from '../../../src/integrations/map-data/index.js';
import { collect, ctx, failure, startFixture, type S3Fixture } from './helpers.js';

const BUCKET = 'items';
const GET = 'arn:aws:states:::s3:getObject';
const LIST = 'arn:aws:states:::s3:listObjectsV2';
let s3: S3Fixture;

beforeAll(async () => {
  s3 = await startFixture([BUCKET, 'inventory']);
}, 30_000);
afterAll(async () => {
  await s3?.close();
});

function spec(key: string, readerConfig: JsonObject, resource = GET): ItemReaderSpec {
  return { resource, parameters: { Bucket: BUCKET, Key: key }, readerConfig };
}

async function read(key: string, body: string | Uint8Array, readerConfig: JsonObject): Promise<Json[]> {
  await s3.put(BUCKET, key, body);
  return collect(readItems(spec(key, readerConfig), s3.access, ctx));
}

async function readFailure(key: string, body: string | Uint8Array, readerConfig: JsonObject) {
  await s3.put(BUCKET, key, body);
  return failure(() => collect(readItems(spec(key, readerConfig), s3.access, ctx)));
}

describe('JSON', () => {
  it('a top-level array gives its elements in order', async () => {
    expect(await read('a.json', '[{"a":1}, "two", 3, [4], null, true]', { InputType: 'JSON' })).toEqual([
      { a: 1 },
      'two',
      3,
      [4],
      null,
      true,
    ]);
  });

  it('ItemsPointer selects the nested array of a JSON object', async () => {
    const body = JSON.stringify({ other: [9, 9], inventory: { products: { featured: [{ id: 1 }, { id: 2 }] } } });
    expect(
      await read('nested.json', body, { InputType: 'JSON', ItemsPointer: '/inventory/products/featured' }),
    ).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('ItemsPointer reaches into arrays by index and unescapes ~1 and ~0', async () => {
    const body = JSON.stringify({ 'a/b': [{ x: [] }, { 'c~d': ['deep'] }] });
    expect(await read('escaped.json', body, { InputType: 'JSON', ItemsPointer: '/a~1b/1/c~0d' })).toEqual(['deep']);
  });

  it('an object is iterated member by member, each item keeping its key', async () => {
    await s3.put(BUCKET, 'members.json', '{"records":{"a":{"x":1},"b":{"x":2}}}');
    const records = await collect(
      readItemRecords(spec('members.json', { InputType: 'JSON', ItemsPointer: '/records' }), s3.access, ctx),
    );
    expect(records).toEqual([
      { value: { x: 1 }, key: 'a' },
      { value: { x: 2 }, key: 'b' },
    ]);
  });

  it('an ItemsPointer at a scalar fails as a non-iterable node', async () => {
    expect(
      await readFailure('scalar.json', '{"records":123}', { InputType: 'JSON', ItemsPointer: '/records' }),
    ).toEqual({
      error: 'States.ItemReaderFailed',
      cause: 'Attempting to map over non-iterable node.',
    });
  });

  it('a document that is a scalar fails as a non-iterable node', async () => {
    expect((await readFailure('number.json', '42', { InputType: 'JSON' })).cause).toBe(
      'Attempting to map over non-iterable node.',
    );
  });

  it('an ItemsPointer that names nothing fails with AWS cause', async () => {
    expect(
      (await readFailure('missing.json', '{"records":[1]}', { InputType: 'JSON', ItemsPointer: '/missing' })).cause,
    ).toBe('The provided ReaderConfig.ItemsPointer does not match any valid path in the JSON structure.');
  });

  it('truncated JSON fails the reader, not the process', async () => {
    const result = await readFailure('truncated.json', '[{"a":1},{"b":', { InputType: 'JSON' });
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/could not be read/);
  });

  it('strings with brackets, quotes and escapes split across chunks read whole', async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      s: `[{"\\${i}"}]`,
      u: 'é\u2028😀',
      n: i === 0 ? 0 : -i * 1.5e-3,
    }));
    expect(await read('tricky.json', JSON.stringify(items, null, 1), { InputType: 'JSON' })).toEqual(items);
  });

  it('a gzip-compressed object is read through its decompression', async () => {
    expect(await read('a.json.gz', gzipSync('[1,2,3]'), { InputType: 'JSON' })).toEqual([1, 2, 3]);
  });

  it('an item past the size limit fails the reader', async () => {
    await s3.put(BUCKET, 'big.json', JSON.stringify(['x'.repeat(2000)]));
    const result = await failure(() =>
      collect(readItems(spec('big.json', { InputType: 'JSON' }), s3.access, ctx, { maxItemBytes: 1000 })),
    );
    expect(result.cause).toMatch(/larger than the 1000 bytes/);
  });
});

describe('JSONL', () => {
  it('a line past the size limit in UTF-8 bytes fails the reader, though it has fewer characters', async () => {
    // 400 characters of 3 bytes each: 1,202 bytes of UTF-8 with the quotes, 402 characters.
    await s3.put(BUCKET, 'wide.jsonl', `"ok"\n${JSON.stringify('€'.repeat(400))}\n`);
    const result = await failure(() =>
      collect(readItems(spec('wide.jsonl', { InputType: 'JSONL' }), s3.access, ctx, { maxItemBytes: 1000 })),
    );
    expect(result.cause).toMatch(/larger than the 1000 bytes/);
    await s3.put(BUCKET, 'narrow.jsonl', `${JSON.stringify('€'.repeat(300))}\n`);
    const fits = await collect(
      readItems(spec('narrow.jsonl', { InputType: 'JSONL' }), s3.access, ctx, { maxItemBytes: 1000 }),
    );
    expect(fits).toHaveLength(1);
  });

  it('each line is an item; blank lines and CRLF endings are passed over', async () => {
    expect(await read('a.jsonl', '{"a":1}\r\n\n  \n[2]\n"three"', { InputType: 'JSONL' })).toEqual([
      { a: 1 },
      [2],
      'three',
    ]);
  });

  it('a line that is not JSON fails the reader with its line number', async () => {
    expect((await readFailure('bad.jsonl', '{"a":1}\n{oops}\n', { InputType: 'JSONL' })).cause).toBe(
      'The JSON Lines file could not be read: line 2 is not JSON.',
    );
  });
});

describe('CSV', () => {
  it('FIRST_ROW headers name the fields of every row, all strings', async () => {
    expect(
      await read('r.csv', 'userId,movieId,rating\n1,307,3.5\n1,481,3.5\n', {
        InputType: 'CSV',
        CSVHeaderLocation: 'FIRST_ROW',
      }),
    ).toEqual([
      { userId: '1', movieId: '307', rating: '3.5' },
      { userId: '1', movieId: '481', rating: '3.5' },
    ]);
  });

  it('GIVEN headers read the first row as data', async () => {
    expect(
      await read('g.csv', '1,307\n2,481', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['u', 'm'] }),
    ).toEqual([
      { u: '1', m: '307' },
      { u: '2', m: '481' },
    ]);
  });

  it.each([
    ['PIPE', 'a|b\n1|2'],
    ['SEMICOLON', 'a;b\n1;2'],
    ['SPACE', 'a b\n1 2'],
    ['TAB', 'a\tb\n1\t2'],
    ['COMMA', 'a,b\n1,2'],
  ])('CSVDelimiter %s separates the fields', async (delimiter, body) => {
    expect(
      await read(`d-${delimiter}.csv`, body, {
        InputType: 'CSV',
        CSVHeaderLocation: 'FIRST_ROW',
        CSVDelimiter: delimiter,
      }),
    ).toEqual([{ a: '1', b: '2' }]);
  });

  it("AWS's documented example parses as the developer guide shows", async () => {
    const body =
      'abc,123,"This string contains commas, a double quotation marks (""), and a newline (\n)",{""MyKey"":""MyValue""},"[1,2,3]"';
    const headers = ['MyLetters', 'MyNumbers', 'MyString', 'MyObject', 'MyArray'];
    expect(await read('aws.csv', body, { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: headers })).toEqual([
      {
        MyLetters: 'abc',
        MyNumbers: '123',
        MyString: 'This string contains commas, a double quotation marks ("), and a newline (\n)',
        MyObject: '{"MyKey":"MyValue"}',
        MyArray: '[1,2,3]',
      },
    ]);
  });

  it('backslashes escape backslashes, quotes and the delimiter, and are dropped before anything else', async () => {
    expect(
      await read('bs.csv', 'path,size\nC:\\\\Program Files\\\\MyApp.exe,6534512\na\\,b,\\"q\\x\n', {
        InputType: 'CSV',
        CSVHeaderLocation: 'FIRST_ROW',
      }),
    ).toEqual([
      { path: 'C:\\Program Files\\MyApp.exe', size: '6534512' },
      { path: 'a,b', size: '"qx' },
    ]);
  });

  it('a short row gets empty strings, a long row loses its extra fields, blank lines are no rows', async () => {
    expect(
      await read('ragged.csv', 'a,b,c\n1\n\n1,2,3,4\r\n""', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }),
    ).toEqual([
      { a: '1', b: '', c: '' },
      { a: '1', b: '2', c: '3' },
      { a: '', b: '', c: '' },
    ]);
  });

  it('repeated headers fail with AWS cause', async () => {
    expect((await readFailure('dup.csv', 'a,a\n1,2', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).cause).toBe(
      'CSV headers cannot contain duplicates.',
    );
  });

  it('an unclosed quote fails the reader', async () => {
    expect(
      (await readFailure('open.csv', 'a,b\n1,"2\n3,4', { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' })).cause,
    ).toBe('The CSV file could not be read: a quoted field is not closed.');
  });
});

describe('Parquet', () => {
  function parquet(rows: number, rowGroupSize: number): Uint8Array {
    const ids = Array.from({ length: rows }, (_, i) => i);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT32' },
        { name: 'name', data: ids.map((i) => `row ${i}`), type: 'STRING' },
      ],
      rowGroupSize,
    });
    return new Uint8Array(buffer);
  }

  it('rows come out row group by row group, in order', async () => {
    const items = await read('t.parquet', parquet(2500, 1000), { InputType: 'PARQUET' });
    expect(items).toHaveLength(2500);
    expect(items[0]).toEqual({ id: 0, name: 'row 0' });
    expect(items[2499]).toEqual({ id: 2499, name: 'row 2499' });
  });

  it('a truncated Parquet file fails the reader', async () => {
    const whole = parquet(100, 50);
    const result = await readFailure('cut.parquet', whole.slice(0, whole.length - 20), { InputType: 'PARQUET' });
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/^The Parquet file 'cut.parquet' could not be read/);
  });

  it('VersionId is refused for Parquet, as AWS documents', async () => {
    await s3.put(BUCKET, 'v.parquet', parquet(1, 1));
    const result = await failure(() =>
      collect(
        readItems(
          {
            resource: GET,
            parameters: { Bucket: BUCKET, Key: 'v.parquet', VersionId: 'x' },
            readerConfig: { InputType: 'PARQUET' },
          },
          s3.access,
          ctx,
        ),
      ),
    );
    expect(result.cause).toBe('The VersionId field is not supported for the PARQUET InputType.');
  });
});

describe('manifests', () => {
  it('an S3 inventory manifest yields the rows of its gzip CSV files, named by fileSchema', async () => {
    await s3.put(
      'inventory',
      'dest/data/one.csv.gz',
      gzipSync(
        '"src","csvDataset/","0","2022-11-16T00:27:19.000Z"\n"src","csvDataset/titles.csv","3399671","2022-11-16T00:29:32.000Z"\n',
      ),
    );
    await s3.put(
      'inventory',
      'dest/data/two.csv.gz',
      gzipSync('"src","img/a.jpg","27034","2022-11-15T20:02:16.000Z"\n'),
    );
    const manifest = {
      sourceBucket: 'src',
      destinationBucket: 'arn:aws:s3:::inventory',
      version: '2016-11-30',
      fileFormat: 'CSV',
      fileSchema: 'Bucket, Key, Size, LastModifiedDate',
      files: [{ key: 'dest/data/one.csv.gz' }, { key: 'dest/data/two.csv.gz' }],
    };
    const items = await read('inv/manifest.json', JSON.stringify(manifest), { InputType: 'MANIFEST' });
    expect(items).toEqual([
      { Bucket: 'src', Key: 'csvDataset/', Size: '0', LastModifiedDate: '2022-11-16T00:27:19.000Z' },
      { Bucket: 'src', Key: 'csvDataset/titles.csv', Size: '3399671', LastModifiedDate: '2022-11-16T00:29:32.000Z' },
      { Bucket: 'src', Key: 'img/a.jpg', Size: '27034', LastModifiedDate: '2022-11-15T20:02:16.000Z' },
    ]);
    expect(await read('inv/manifest2.json', JSON.stringify(manifest), { ManifestType: 'S3_INVENTORY' })).toEqual(items);
  });

  it('an inventory report that is not CSV fails the reader', async () => {
    const manifest = { destinationBucket: 'arn:aws:s3:::inventory', fileFormat: 'ORC', fileSchema: 'x', files: [] };
    expect((await readFailure('inv/orc.json', JSON.stringify(manifest), { InputType: 'MANIFEST' })).cause).toMatch(
      /reads CSV inventory reports only/,
    );
  });

  it('an Athena UNLOAD manifest yields the items of every data file it lists, each with its source', async () => {
    await s3.put(BUCKET, 'athena/part-1', '1,a\n2,b\n');
    await s3.put(BUCKET, 'athena/part-2', '3,c\n');
    await s3.put(BUCKET, 'athena/q-manifest.csv', `s3://${BUCKET}/athena/part-1\ns3://${BUCKET}/athena/part-2\n`);
    const records = await collect(
      readItemRecords(
        spec('athena/q-manifest.csv', {
          ManifestType: 'ATHENA_DATA',
          InputType: 'CSV',
          CSVHeaderLocation: 'GIVEN',
          CSVHeaders: ['n', 'l'],
        }),
        s3.access,
        ctx,
      ),
    );
    expect(records).toEqual([
      { value: { n: '1', l: 'a' }, source: `s3://${BUCKET}/athena/part-1` },
      { value: { n: '2', l: 'b' }, source: `s3://${BUCKET}/athena/part-1` },
      { value: { n: '3', l: 'c' }, source: `s3://${BUCKET}/athena/part-2` },
    ]);
  });

  it('an Athena manifest of JSONL files reads each as JSON Lines', async () => {
    await s3.put(BUCKET, 'athena2/p', '{"a":1}\n{"a":2}\n');
    await s3.put(BUCKET, 'athena2/m.csv', `s3://${BUCKET}/athena2/p\n`);
    expect(
      await collect(
        readItems(spec('athena2/m.csv', { ManifestType: 'ATHENA_DATA', InputType: 'JSONL' }), s3.access, ctx),
      ),
    ).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('listObjectsV2', () => {
  it('pages past 1,000 objects and gives each listing entry as AWS does', async () => {
    const keys = Array.from({ length: 1105 }, (_, i) => `many/${String(i).padStart(5, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((key) => s3.put(BUCKET, key, 'x')));
    const items = (await collect(
      readItems({ resource: LIST, parameters: { Bucket: BUCKET, Prefix: 'many/' }, readerConfig: {} }, s3.access, ctx),
    )) as JsonObject[];
    expect(items.map((item) => item.Key)).toEqual(keys);
    expect(Object.keys(items[0] as JsonObject).sort()).toEqual(['Etag', 'Key', 'LastModified', 'Size', 'StorageClass']);
    expect(items[0]).toMatchObject({ Etag: expect.stringMatching(/^".+"$/), Size: 1, StorageClass: 'STANDARD' });
    expect(Number.isInteger(items[0]?.LastModified)).toBe(true);
  }, 60_000);

  it('LOAD_AND_FLATTEN reads the listed objects themselves', async () => {
    await s3.put(BUCKET, 'flat/a.jsonl', '{"f":"a1"}\n{"f":"a2"}\n');
    await s3.put(BUCKET, 'flat/b.jsonl', '{"f":"b1"}\n');
    const records = await collect(
      readItemRecords(
        {
          resource: LIST,
          parameters: { Bucket: BUCKET, Prefix: 'flat/' },
          readerConfig: { InputType: 'JSONL', Transformation: 'LOAD_AND_FLATTEN' },
        },
        s3.access,
        ctx,
      ),
    );
    expect(records).toEqual([
      { value: { f: 'a1' }, source: `s3://${BUCKET}/flat/a.jsonl` },
      { value: { f: 'a2' }, source: `s3://${BUCKET}/flat/a.jsonl` },
      { value: { f: 'b1' }, source: `s3://${BUCKET}/flat/b.jsonl` },
    ]);
  });

  it('a bucket that does not exist fails with S3 cause', async () => {
    const result = await failure(() =>
      collect(readItems({ resource: LIST, parameters: { Bucket: 'nope' }, readerConfig: {} }, s3.access, ctx)),
    );
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/^The specified bucket does not exist \(Service: S3, Status Code: 404, Request ID: /);
  });
});

describe('MaxItems, skip, abort and S3 failures', () => {
  const body = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i })).join('\n');

  it('MaxItems stops the reading after that many items', async () => {
    expect(await read('m.jsonl', body, { InputType: 'JSONL', MaxItems: 3 })).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  it('skip reads past the items a Map Run already had, within MaxItems', async () => {
    await s3.put(BUCKET, 's.jsonl', body);
    expect(
      await collect(readItems(spec('s.jsonl', { InputType: 'JSONL', MaxItems: 10 }), s3.access, ctx, { skip: 8 })),
    ).toEqual([{ i: 8 }, { i: 9 }]);
  });

  it('an aborted read rejects with the signal reason', async () => {
    await s3.put(BUCKET, 'ab.jsonl', body);
    const controller = new AbortController();
    const reason = new Error('stopped');
    const seen: Json[] = [];
    await expect(
      (async () => {
        for await (const item of readItems(spec('ab.jsonl', { InputType: 'JSONL' }), s3.access, ctx, {
          signal: controller.signal,
        })) {
          seen.push(item);
          if (seen.length === 2) controller.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toHaveLength(2);
  });

  it('a key that does not exist fails with S3 cause', async () => {
    const result = await failure(() =>
      collect(readItems(spec('no/such/key.json', { InputType: 'JSON' }), s3.access, ctx)),
    );
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(/^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: /);
  });

  it('a bucket that does not exist fails getObject with S3 cause', async () => {
    const result = await failure(() =>
      collect(
        readItems(
          { resource: GET, parameters: { Bucket: 'nope', Key: 'k' }, readerConfig: { InputType: 'JSON' } },
          s3.access,
          ctx,
        ),
      ),
    );
    expect(result.cause).toMatch(/^The specified bucket does not exist/);
  });

  it('an unknown resource fails the reader', async () => {
    expect(
      (await failure(() => collect(readItems(spec('x', {}, 'arn:aws:states:::s3:putObject'), s3.access, ctx)))).cause,
    ).toBe("The ItemReader resource 'arn:aws:states:::s3:putObject' is not supported.");
  });
});
