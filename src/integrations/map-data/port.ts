/**
 * The engine's MapRunData port (engine/map-runs/ports.ts) over this folder's S3 reader and writer.
 * A ResultWriter with a WriterConfig and no Resource writes nothing: the Map's output is the
 * children's results under its Transformation.
 */
import type { Json, JsonObject } from '../../json.js';
import type { ChildResult, MapDataContext, MapItem, MapRunData } from '../../engine/ports.js';
import type { AwsSettings } from '../aws/settings.js';
import { readItemRecords } from './read-items.js';
import { createS3Access } from './s3-access.js';
import { transformedResult, writeResults, type Transformation } from './write-results.js';

export function createMapRunData(settings: AwsSettings): MapRunData & { close(): void } {
  const s3 = createS3Access(settings);
  return {
    async *readItems(reader, context, options): AsyncGenerator<MapItem> {
      for await (const record of readItemRecords(reader, s3, context, options))
        yield { value: record.value, ...(record.key !== undefined ? { key: record.key } : {}) };
    },
    async writeResults(writer, mapRunArn, results, context: MapDataContext): Promise<Json> {
      if (writer.resource) return writeResults(writer, mapRunArn, results, s3, context);
      const transformation = transformationOf(writer.writerConfig);
      const out: Json[] = [];
      for await (const result of results as AsyncIterable<ChildResult>)
        out.push(...transformedResult(result, transformation));
      return out;
    },
    close: () => s3.close(),
  };
}

function transformationOf(config: JsonObject | undefined): Transformation {
  const value = config?.Transformation;
  return value === 'COMPACT' || value === 'FLATTEN' ? value : 'NONE';
}
