/**
 * The S3 data plane of Distributed Map: ItemReader (items streamed from S3 objects, listings and
 * manifests) and ResultWriter (a Map Run's results exported to S3), for the Map Run coordinator.
 * Layering: json.ts, vocabulary/, integrations/aws/ and @aws-sdk/client-s3; no engine or store code.
 */
export {
  readItems,
  readItemRecords,
  MAX_ITEM_BYTES,
  type ItemReaderSpec,
  type ItemRecord,
  type ReadOptions,
} from './read-items.js';
export {
  writeResults,
  transformedResult,
  describedResult,
  resultDirectory,
  MAX_RESULT_FILE_BYTES,
  type ResultWriterSpec,
  type ChildResult,
  type ChildStatus,
  type Transformation,
  type OutputType,
  type WriteOptions,
} from './write-results.js';
export { createS3Access, type S3Access, type S3Context } from './s3-access.js';
export { ReaderCauses } from './errors.js';
export { CSV_DELIMITERS } from './csv-stream.js';
export { MAX_ROW_GROUP_BYTES, MAX_FOOTER_BYTES } from './parquet.js';
