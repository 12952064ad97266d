import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../src/json.js';
import { invalidDefinitionMessage, validateDefinition } from '../../src/asl/validate.js';

const DISTRIBUTED = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };

/** A machine with one Map state M; `processorConfig` null leaves ProcessorConfig out (INLINE). */
function machine(fields: JsonObject, processorConfig: JsonObject | null = DISTRIBUTED, language?: string): Json {
  const processor: JsonObject = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  if (processorConfig !== null) processor.ProcessorConfig = processorConfig;
  return {
    ...(language ? { QueryLanguage: language } : {}),
    StartAt: 'M',
    States: { M: { Type: 'Map', ItemProcessor: processor, End: true, ...fields } },
  };
}
const jsonata = (fields: JsonObject) => machine(fields, DISTRIBUTED, 'JSONata');

const problems = (definition: Json) =>
  validateDefinition(definition).diagnostics.map(({ severity, message, location }) => ({
    severity,
    message,
    location,
  }));
const errors = (definition: Json) => problems(definition).filter((d) => d.severity === 'ERROR');
const error = (message: string, location: string) => ({ severity: 'ERROR', message, location });

const csvReader = (config: JsonObject): JsonObject => ({
  ItemReader: {
    Resource: 'arn:aws:states:::s3:getObject',
    ReaderConfig: config,
    Parameters: { Bucket: 'b', Key: 'k.csv' },
  },
});

describe('Distributed Map: valid configurations', () => {
  it('a full JSONPath Distributed Map with reader, batcher, writer and tolerances is accepted', () => {
    const definition = machine({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: {
          InputType: 'CSV',
          CSVHeaderLocation: 'GIVEN',
          CSVHeaders: ['a', 'b'],
          CSVDelimiter: 'PIPE',
          MaxItems: 10,
        },
        Parameters: { 'Bucket.$': '$.bucket', Key: 'data.csv', VersionId: 'v1' },
      },
      ItemBatcher: {
        MaxItemsPerBatchPath: '$.size',
        MaxInputBytesPerBatch: 1024,
        BatchInput: { 'run.$': '$$.Execution.Id' },
      },
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: 'out' },
        WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
      },
      ItemSelector: { 'value.$': '$$.Map.Item.Value' },
      ToleratedFailurePercentage: 5,
      MaxConcurrencyPath: '$.concurrency',
      Label: 'Rows',
    });
    expect(problems(definition)).toEqual([]);
  });

  it('a full JSONata Distributed Map with Arguments and expressions is accepted', () => {
    const definition = jsonata({
      ItemReader: {
        Resource: 'arn:aws:states:::s3:listObjectsV2',
        ReaderConfig: { MaxItems: '{% $states.input.limit %}' },
        Arguments: { Bucket: '{% $states.input.bucket %}', Prefix: 'in/' },
      },
      ItemBatcher: { MaxItemsPerBatch: '{% $states.input.size %}' },
      ResultWriter: { WriterConfig: { OutputType: 'JSON', Transformation: 'COMPACT' } },
      ToleratedFailureCount: 2,
    });
    expect(problems(definition)).toEqual([]);
  });

  it('a JSON reader may name an ItemsPointer and a manifest reader a ManifestType', () => {
    const reader = (config: JsonObject) =>
      machine({
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: config,
          Parameters: { Bucket: 'b', Key: 'k' },
        },
      });
    expect(problems(reader({ InputType: 'JSON', ItemsPointer: '/data/items' }))).toEqual([]);
    expect(problems(reader({ InputType: 'MANIFEST', ManifestType: 'S3_INVENTORY' }))).toEqual([]);
    expect(problems(reader({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', ManifestType: 'ATHENA_DATA' }))).toEqual(
      [],
    );
  });

  it('a ResultWriter with only Resource and Parameters is accepted', () => {
    const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs/' } };
    expect(problems(machine({ ResultWriter: writer }))).toEqual([]);
  });
});

describe('ItemReader', () => {
  it('Resource is required', () => {
    expect(errors(machine({ ItemReader: { ReaderConfig: { InputType: 'JSON' } } }))).toContainEqual(
      error('These fields are required: [Resource]', '/States/M/ItemReader'),
    );
  });

  it('a Resource other than s3:getObject or s3:listObjectsV2 is not recognized', () => {
    const reader = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } };
    expect(errors(machine({ ItemReader: reader }))).toEqual([
      error(
        'The resource provided arn:aws:states:::s3:putObject is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.',
        '/States/M/ItemReader/Resource',
      ),
    ]);
  });

  it('s3:getObject needs Parameters naming Bucket and Key', () => {
    const reader = {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: 'b' },
    };
    expect(errors(machine({ ItemReader: reader }))).toEqual([
      error("The field 'Key' is required but was missing", '/States/M/ItemReader/Parameters'),
    ]);
    const bare = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' } };
    expect(errors(machine({ ItemReader: bare }))).toEqual([
      error('These fields are required: [Parameters]', '/States/M/ItemReader'),
    ]);
  });

  it('s3:getObject needs a ReaderConfig with an InputType', () => {
    const reader = { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } };
    expect(errors(machine({ ItemReader: reader }))).toEqual([
      error('These fields are required: [ReaderConfig]', '/States/M/ItemReader'),
    ]);
    expect(errors(machine(csvReader({ CSVHeaderLocation: 'FIRST_ROW' })))).toContainEqual(
      error('These fields are required: [InputType]', '/States/M/ItemReader/ReaderConfig'),
    );
  });

  it('InputType is one of CSV, JSON, JSONL, PARQUET, MANIFEST', () => {
    expect(errors(machine(csvReader({ InputType: 'XML' })))).toEqual([
      error(
        'Value should be one of the following: [CSV, JSON, JSONL, PARQUET, MANIFEST]',
        '/States/M/ItemReader/ReaderConfig/InputType',
      ),
    ]);
  });

  it('a CSV input needs CSVHeaderLocation, FIRST_ROW or GIVEN', () => {
    expect(errors(machine(csvReader({ InputType: 'CSV' })))).toEqual([
      error('These fields are required: [CSVHeaderLocation]', '/States/M/ItemReader/ReaderConfig'),
    ]);
    expect(errors(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'LAST_ROW' })))).toEqual([
      error(
        'Value should be one of the following: [FIRST_ROW, GIVEN]',
        '/States/M/ItemReader/ReaderConfig/CSVHeaderLocation',
      ),
    ]);
  });

  it('CSVHeaderLocation GIVEN needs CSVHeaders, a non-empty array of strings', () => {
    expect(errors(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN' })))).toEqual([
      error('These fields are required: [CSVHeaders]', '/States/M/ItemReader/ReaderConfig'),
    ]);
    expect(errors(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: [1] })))).toEqual([
      error('Expected value of type [ARRAY] of [STRING]', '/States/M/ItemReader/ReaderConfig/CSVHeaders'),
    ]);
  });

  it('CSVHeaders with FIRST_ROW is rejected', () => {
    expect(errors(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVHeaders: ['a'] })))).toEqual(
      [
        error(
          "Field 'CSVHeaders' is only supported when 'CSVHeaderLocation' is 'GIVEN'",
          '/States/M/ItemReader/ReaderConfig/CSVHeaders',
        ),
      ],
    );
  });

  it('CSV options are only valid with InputType CSV', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', CSVDelimiter: 'TAB' })))).toEqual([
      error(
        "Field 'CSVDelimiter' is only supported when 'InputType' is 'CSV'",
        '/States/M/ItemReader/ReaderConfig/CSVDelimiter',
      ),
    ]);
  });

  it('CSVDelimiter is one of COMMA, PIPE, SEMICOLON, SPACE, TAB', () => {
    expect(errors(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: ';' })))).toEqual(
      [
        error(
          'Value should be one of the following: [COMMA, PIPE, SEMICOLON, SPACE, TAB]',
          '/States/M/ItemReader/ReaderConfig/CSVDelimiter',
        ),
      ],
    );
  });

  it('ManifestType is ATHENA_DATA or S3_INVENTORY', () => {
    expect(errors(machine(csvReader({ InputType: 'MANIFEST', ManifestType: 'GLUE' })))).toEqual([
      error(
        'Value should be one of the following: [ATHENA_DATA, S3_INVENTORY]',
        '/States/M/ItemReader/ReaderConfig/ManifestType',
      ),
    ]);
  });

  it('ItemsPointer is a JSON Pointer', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', ItemsPointer: 'data' })))).toEqual([
      error(
        "The value for the field 'ItemsPointer' must be a valid JSON Pointer",
        '/States/M/ItemReader/ReaderConfig/ItemsPointer',
      ),
    ]);
  });

  it('MaxItems and MaxItemsPath are mutually exclusive', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', MaxItems: 5, MaxItemsPath: '$.max' })))).toEqual([
      error(
        'These fields are mutually exclusive: [MaxItems, MaxItemsPath]',
        '/States/M/ItemReader/ReaderConfig/MaxItems',
      ),
    ]);
  });

  it('MaxItems is an integer from 0 to 100,000,000', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', MaxItems: 100_000_001 })))).toEqual([
      error('Maximum value is 100000000', '/States/M/ItemReader/ReaderConfig/MaxItems'),
    ]);
    expect(errors(machine(csvReader({ InputType: 'JSON', MaxItems: -1 })))).toEqual([
      error('Minimum value is 0', '/States/M/ItemReader/ReaderConfig/MaxItems'),
    ]);
    expect(errors(machine(csvReader({ InputType: 'JSON', MaxItems: 1.5 })))).toEqual([
      error('Expected value of type [INTEGER]', '/States/M/ItemReader/ReaderConfig/MaxItems'),
    ]);
  });

  it('MaxItemsPath must be a valid JSONPath', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', MaxItemsPath: 'max' })))).toEqual([
      error(
        "The value for the field 'MaxItemsPath' must be a valid JSONPath",
        '/States/M/ItemReader/ReaderConfig/MaxItemsPath',
      ),
    ]);
  });

  it('an unknown ReaderConfig field is not supported', () => {
    expect(errors(machine(csvReader({ InputType: 'JSON', Compression: 'GZIP' })))).toEqual([
      error("Field 'Compression' is not supported", '/States/M/ItemReader/ReaderConfig'),
    ]);
  });

  it('JSONata: the reader takes Arguments, not Parameters, and no MaxItemsPath', () => {
    const reader = {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$.max' },
      Parameters: { Bucket: 'b', Key: 'k' },
    };
    expect(errors(jsonata({ ItemReader: reader }))).toEqual([
      error(
        "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage",
        '/States/M/ItemReader',
      ),
      error('These fields are required: [Arguments]', '/States/M/ItemReader'),
      error(
        "The QueryLanguage is set to 'JSONata', but field 'MaxItemsPath' is only supported for the 'JSONPath' QueryLanguage",
        '/States/M/ItemReader/ReaderConfig',
      ),
    ]);
  });

  it('JSONPath: the reader takes Parameters, not Arguments', () => {
    const reader = {
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      Parameters: { Bucket: 'b' },
      Arguments: { Bucket: 'b' },
    };
    expect(errors(machine({ ItemReader: reader }))).toEqual([
      error(
        "The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage",
        '/States/M/ItemReader',
      ),
    ]);
  });

  it('on an INLINE Map an ItemReader is a warning, not an error', () => {
    const reader = { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } };
    const result = validateDefinition(machine({ ItemReader: reader }, null));
    expect(result.result).toBe('OK');
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'WARNING',
        message: "Field 'ItemReader' is only supported when the ProcessorConfig 'Mode' is 'DISTRIBUTED'",
        location: '/States/M/ItemReader',
      }),
    ]);
  });
});

describe('ItemBatcher', () => {
  it('at least one batch limit is required', () => {
    expect(errors(machine({ ItemBatcher: { BatchInput: {} } }))).toEqual([
      error(
        'At least one of these fields is required: [MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]',
        '/States/M/ItemBatcher',
      ),
    ]);
  });

  it('MaxItemsPerBatch and MaxItemsPerBatchPath are mutually exclusive', () => {
    expect(errors(machine({ ItemBatcher: { MaxItemsPerBatch: 2, MaxItemsPerBatchPath: '$.n' } }))).toEqual([
      error(
        'These fields are mutually exclusive: [MaxItemsPerBatch, MaxItemsPerBatchPath]',
        '/States/M/ItemBatcher/MaxItemsPerBatch',
      ),
    ]);
  });

  it('MaxItemsPerBatch is at least 1', () => {
    expect(errors(machine({ ItemBatcher: { MaxItemsPerBatch: 0 } }))).toEqual([
      error('Minimum value is 1', '/States/M/ItemBatcher/MaxItemsPerBatch'),
    ]);
  });

  it('MaxInputBytesPerBatch is at most 256 KiB', () => {
    expect(errors(machine({ ItemBatcher: { MaxInputBytesPerBatch: 262_145 } }))).toEqual([
      error('Maximum value is 262144', '/States/M/ItemBatcher/MaxInputBytesPerBatch'),
    ]);
  });

  it('MaxInputBytesPerBatch and its Path are mutually exclusive', () => {
    expect(errors(machine({ ItemBatcher: { MaxInputBytesPerBatch: 10, MaxInputBytesPerBatchPath: '$.b' } }))).toEqual([
      error(
        'These fields are mutually exclusive: [MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]',
        '/States/M/ItemBatcher/MaxInputBytesPerBatch',
      ),
    ]);
  });

  it('BatchInput is an object', () => {
    expect(errors(machine({ ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: 'x' } }))).toEqual([
      error('Expected value of type [OBJECT]', '/States/M/ItemBatcher/BatchInput'),
    ]);
  });

  it('JSONata: the Path forms are JSONPath only', () => {
    expect(errors(jsonata({ ItemBatcher: { MaxItemsPerBatchPath: '$.n' } }))).toEqual([
      error(
        "The QueryLanguage is set to 'JSONata', but field 'MaxItemsPerBatchPath' is only supported for the 'JSONPath' QueryLanguage",
        '/States/M/ItemBatcher',
      ),
    ]);
  });
});

describe('ResultWriter', () => {
  it('an empty ResultWriter is rejected', () => {
    expect(errors(machine({ ResultWriter: {} }))).toEqual([
      error('At least one of these fields is required: [WriterConfig, Resource, Parameters]', '/States/M/ResultWriter'),
    ]);
  });

  it('Resource and Parameters come together', () => {
    expect(errors(machine({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' } }))).toEqual([
      error('These fields are required: [Parameters]', '/States/M/ResultWriter'),
    ]);
    expect(errors(jsonata({ ResultWriter: { Arguments: { Bucket: 'b' } } }))).toEqual([
      error('These fields are required: [Resource]', '/States/M/ResultWriter'),
    ]);
  });

  it('the Resource is s3:putObject', () => {
    const writer = { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b' } };
    expect(errors(machine({ ResultWriter: writer }))[0].location).toBe('/States/M/ResultWriter/Resource');
  });

  it('Parameters name the Bucket', () => {
    const writer = { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Prefix: 'p' } };
    expect(errors(machine({ ResultWriter: writer }))).toEqual([
      error("The field 'Bucket' is required but was missing", '/States/M/ResultWriter/Parameters'),
    ]);
  });

  it('WriterConfig needs OutputType JSON/JSONL and Transformation NONE/COMPACT/FLATTEN', () => {
    expect(errors(machine({ ResultWriter: { WriterConfig: { OutputType: 'JSON' } } }))).toEqual([
      error('These fields are required: [Transformation]', '/States/M/ResultWriter/WriterConfig'),
    ]);
    expect(errors(machine({ ResultWriter: { WriterConfig: { OutputType: 'CSV', Transformation: 'ALL' } } }))).toEqual([
      error('Value should be one of the following: [JSON, JSONL]', '/States/M/ResultWriter/WriterConfig/OutputType'),
      error(
        'Value should be one of the following: [NONE, COMPACT, FLATTEN]',
        '/States/M/ResultWriter/WriterConfig/Transformation',
      ),
    ]);
  });
});

describe('ProcessorConfig', () => {
  it('Mode is INLINE or DISTRIBUTED', () => {
    expect(errors(machine({}, { Mode: 'PARALLEL' }))).toEqual([
      error(
        'Value should be one of the following: [INLINE, DISTRIBUTED]',
        '/States/M/ItemProcessor/ProcessorConfig/Mode',
      ),
    ]);
  });

  it('DISTRIBUTED needs an ExecutionType, STANDARD or EXPRESS', () => {
    expect(errors(machine({}, { Mode: 'DISTRIBUTED' }))).toEqual([
      error('These fields are required: [ExecutionType]', '/States/M/ItemProcessor/ProcessorConfig'),
    ]);
    expect(errors(machine({}, { Mode: 'DISTRIBUTED', ExecutionType: 'FAST' }))).toEqual([
      error(
        'Value should be one of the following: [STANDARD, EXPRESS]',
        '/States/M/ItemProcessor/ProcessorConfig/ExecutionType',
      ),
    ]);
  });

  it('an ExecutionType on an INLINE Map is a warning', () => {
    expect(problems(machine({}, { Mode: 'INLINE', ExecutionType: 'EXPRESS' }))).toEqual([
      {
        severity: 'WARNING',
        message: "Field 'ExecutionType' is only used when 'Mode' is 'DISTRIBUTED'",
        location: '/States/M/ItemProcessor/ProcessorConfig/ExecutionType',
      },
    ]);
  });

  it('the legacy Iterator takes a ProcessorConfig too', () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Iterator: {
            StartAt: 'P',
            States: { P: { Type: 'Pass', End: true } },
            ProcessorConfig: { Mode: 'DISTRIBUTED' },
          },
          End: true,
        },
      },
    };
    expect(errors(definition)).toEqual([
      error('These fields are required: [ExecutionType]', '/States/M/Iterator/ProcessorConfig'),
    ]);
  });
});

describe('tolerated failures and concurrency on a Distributed Map', () => {
  it('ToleratedFailurePercentage is at most 100', () => {
    expect(errors(machine({ ToleratedFailurePercentage: 101 }))).toEqual([
      error('Maximum value is 100', '/States/M/ToleratedFailurePercentage'),
    ]);
  });

  it('ToleratedFailureCount and its Path are mutually exclusive', () => {
    expect(errors(machine({ ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.n' }))).toEqual([
      error(
        'These fields are mutually exclusive: [ToleratedFailureCount, ToleratedFailureCountPath]',
        '/States/M/ToleratedFailureCount',
      ),
    ]);
  });

  it('MaxConcurrency and MaxConcurrencyPath are mutually exclusive', () => {
    expect(errors(machine({ MaxConcurrency: 1, MaxConcurrencyPath: '$.n' }))).toEqual([
      error('These fields are mutually exclusive: [MaxConcurrency, MaxConcurrencyPath]', '/States/M/MaxConcurrency'),
    ]);
  });

  it('a Label over 40 characters fails CreateStateMachine with AWS ValueError text', () => {
    const result = validateDefinition(machine({ Label: 'x'.repeat(41) }));
    expect(invalidDefinitionMessage(result.diagnostics, 'D')).toBe(
      "Error=ValueError Args=['Label cannot exceed 40 characters'] in definition 'D'.",
    );
  });
});

describe('CreateStateMachine wording', () => {
  it('a bad ReaderConfig renders as SCHEMA_VALIDATION_FAILED at its field path', () => {
    const result = validateDefinition(machine(csvReader({ InputType: 'CSV', CSVHeaderLocation: 'GIVEN' })));
    expect(invalidDefinitionMessage(result.diagnostics, '')).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [CSVHeaders] at /States/M/ItemReader/ReaderConfig'",
    );
  });
});
