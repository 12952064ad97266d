/**
 * Distributed Map: ProcessorConfig, ItemReader, ItemBatcher and ResultWriter, in both query
 * languages (JSONPath uses `Parameters` and `*Path` fields, JSONata `Arguments` and expressions).
 *
 * Texts reuse AWS's schema wording ("These fields are required: [...]", "Value should be one of
 * the following: [...]", "Minimum value is N", "The resource provided ... is not recognized ...").
 * Where AWS's own text for a rule is not documented, the message follows that style (see the
 * functions' notes). Sub-fields used outside DISTRIBUTED mode are WARNINGs, not errors: AWS
 * accepts some Distributed-only fields on an inline Map (the conformance corpus records an INLINE
 * Map with ToleratedFailureCount that AWS created and ran), so CreateStateMachine must not refuse them.
 */
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, schemaError, type Diagnostic } from '../diagnostics.js';
import { MAX_BATCH_INPUT_BYTES, MAX_READER_ITEMS } from '../../vocabulary/limits.js';
import {
  CsvDelimiters,
  CsvHeaderLocations,
  ExecutionTypes,
  ItemReaderResources,
  ManifestTypes,
  ProcessorModes,
  ReaderInputTypes,
  ResultWriterResources,
  WriterOutputTypes,
  WriterTransformations,
  type QueryLanguage,
} from '../../vocabulary/names.js';
import type { RuleContext, RuleFamily, StateVisit } from './context.js';
import { checkPath, checkPayloadTemplate } from './query-syntax.js';
import { enumError, hasField, jsonataExpression, requiredError, typeError } from './values.js';

type Mode = (typeof ProcessorModes)[number];

/** Where a field sits and which language the Map state is written in. */
interface Site {
  ctx: RuleContext;
  at: string;
  language: QueryLanguage;
}

export const distributedMapRules: RuleFamily = {
  name: 'Distributed Map',
  state(ctx, visit) {
    if (visit.type !== 'Map') return;
    const { state, location, language } = visit;
    const mode = checkProcessors(ctx, visit);
    const site = (field: string): Site => ({ ctx, at: child(location, field), language });
    for (const field of ['ItemReader', 'ItemBatcher', 'ResultWriter'] as const) {
      if (!hasField(state, field)) continue;
      if (mode === 'INLINE') ctx.report(inlineWarning(field, location));
      if (field === 'ItemReader') checkItemReader(site(field), state.ItemReader);
      if (field === 'ItemBatcher') checkItemBatcher(site(field), state.ItemBatcher);
      if (field === 'ResultWriter') checkResultWriter(site(field), state.ResultWriter);
    }
  },
};

/**
 * The Map's mode, from ItemProcessor (or the legacy Iterator) ProcessorConfig; INLINE when none is
 * given, undefined when the Mode is not a valid one (nothing is then judged by mode).
 */
function checkProcessors(ctx: RuleContext, { state, location }: StateVisit): Mode | undefined {
  let mode: Mode | undefined = 'INLINE';
  for (const field of ['ItemProcessor', 'Iterator'] as const) {
    const processor = state[field];
    if (!isJsonObject(processor) || !hasField(processor, 'ProcessorConfig')) continue;
    mode = checkProcessorConfig(ctx, processor.ProcessorConfig, child(child(location, field), 'ProcessorConfig'));
  }
  return mode;
}

/**
 * ProcessorConfig: Mode INLINE (the default) or DISTRIBUTED; ExecutionType STANDARD or EXPRESS,
 * "You must provide this field if you specified DISTRIBUTED for the Mode" (developer guide,
 * "ProcessorConfig"). An ExecutionType on an INLINE Map is ignored by AWS, so it is a WARNING.
 */
function checkProcessorConfig(ctx: RuleContext, config: Json, at: string): Mode | undefined {
  if (!isJsonObject(config)) {
    ctx.report(typeError(['OBJECT'], at));
    return undefined;
  }
  unsupported(ctx, config, at, ['Mode', 'ExecutionType']);
  const mode = hasField(config, 'Mode') ? config.Mode : 'INLINE';
  if (!oneOf(ctx, config, 'Mode', ProcessorModes, at)) return undefined;
  oneOf(ctx, config, 'ExecutionType', ExecutionTypes, at);
  if (mode === 'DISTRIBUTED' && !hasField(config, 'ExecutionType')) ctx.report(requiredError(['ExecutionType'], at));
  if (mode === 'INLINE' && hasField(config, 'ExecutionType')) {
    ctx.report(warning("Field 'ExecutionType' is only used when 'Mode' is 'DISTRIBUTED'", child(at, 'ExecutionType')));
  }
  return mode as Mode;
}

/**
 * ItemReader: an S3 resource (`s3:getObject` for one object, `s3:listObjectsV2` for a bucket
 * listing), its Parameters/Arguments naming the Bucket (and the Key for getObject), and ReaderConfig.
 */
function checkItemReader(site: Site, reader: Json): void {
  const { ctx, at } = site;
  if (!isJsonObject(reader)) return ctx.report(typeError(['OBJECT'], at));
  const parameters = parametersField(site);
  unsupported(ctx, reader, at, ['Resource', 'ReaderConfig', 'Parameters', 'Arguments']);
  languageFields(site, reader, ['Parameters', 'Arguments']);
  if (!hasField(reader, 'Resource')) ctx.report(requiredError(['Resource'], at));
  const action = resourceAction(ctx, reader, at, ItemReaderResources);
  if (action !== undefined && !hasField(reader, parameters)) ctx.report(requiredError([parameters], at));
  if (hasField(reader, parameters)) {
    const keys = action === 's3:getObject' ? ['Bucket', 'Key'] : ['Bucket'];
    checkS3Parameters(site, reader[parameters], parameters, keys);
  }
  if (hasField(reader, 'ReaderConfig')) checkReaderConfig(site, reader.ReaderConfig, action);
  else if (action === 's3:getObject') ctx.report(requiredError(['ReaderConfig'], at));
}

/**
 * ReaderConfig: InputType (required to read one object), the CSV options (CSVHeaderLocation
 * required for CSV, CSVHeaders required with GIVEN; neither, nor CSVDelimiter, for other inputs),
 * ManifestType, ItemsPointer, and MaxItems (0 to 100,000,000) or MaxItemsPath.
 */
function checkReaderConfig(site: Site, config: Json, action: string | undefined): void {
  const { ctx, language } = site;
  const at = child(site.at, 'ReaderConfig');
  if (!isJsonObject(config)) return ctx.report(typeError(['OBJECT'], at));
  const fields = [
    'InputType',
    'CSVHeaderLocation',
    'CSVHeaders',
    'CSVDelimiter',
    'ManifestType',
    'ItemsPointer',
    'MaxItems',
    'MaxItemsPath',
  ];
  unsupported(ctx, config, at, fields);
  if (action === 's3:getObject' && !hasField(config, 'InputType')) ctx.report(requiredError(['InputType'], at));
  oneOf(ctx, config, 'InputType', ReaderInputTypes, at);
  oneOf(ctx, config, 'CSVHeaderLocation', CsvHeaderLocations, at);
  oneOf(ctx, config, 'CSVDelimiter', CsvDelimiters, at);
  oneOf(ctx, config, 'ManifestType', ManifestTypes, at);
  const csv = config.InputType === 'CSV';
  if (csv && !hasField(config, 'CSVHeaderLocation')) ctx.report(requiredError(['CSVHeaderLocation'], at));
  if (hasField(config, 'InputType') && !csv) {
    for (const field of ['CSVHeaderLocation', 'CSVHeaders', 'CSVDelimiter']) {
      if (hasField(config, field)) ctx.report(onlyWith(field, 'InputType', 'CSV', child(at, field)));
    }
  }
  if (config.CSVHeaderLocation === 'GIVEN' && !hasField(config, 'CSVHeaders')) {
    ctx.report(requiredError(['CSVHeaders'], at));
  }
  if (hasField(config, 'CSVHeaders')) {
    const headers = config.CSVHeaders;
    const where = child(at, 'CSVHeaders');
    if (!Array.isArray(headers) || headers.some((h) => typeof h !== 'string')) {
      ctx.report(schemaError('Expected value of type [ARRAY] of [STRING]', where));
    } else if (headers.length === 0) {
      ctx.report(schemaError('CSVHeaders must not be empty', where));
    } else if (hasField(config, 'CSVHeaderLocation') && config.CSVHeaderLocation !== 'GIVEN') {
      ctx.report(onlyWith('CSVHeaders', 'CSVHeaderLocation', 'GIVEN', where));
    }
  }
  if (hasField(config, 'ItemsPointer')) checkPointer(ctx, config.ItemsPointer, child(at, 'ItemsPointer'));
  languageFields({ ...site, at }, config, ['MaxItemsPath']);
  checkCount({ ctx, at, language }, config, 'MaxItems', 'MaxItemsPath', 0, MAX_READER_ITEMS);
}

/**
 * ItemBatcher: MaxItemsPerBatch (at least 1) and MaxInputBytesPerBatch (1 to 256 KiB), each with
 * its JSONPath `*Path` form, at least one of them given; BatchInput an object. AWS's text for
 * "none given" is not documented.
 */
function checkItemBatcher(site: Site, batcher: Json): void {
  const { ctx, at, language } = site;
  if (!isJsonObject(batcher)) return ctx.report(typeError(['OBJECT'], at));
  const limits = ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'];
  unsupported(ctx, batcher, at, [...limits, 'BatchInput']);
  languageFields(site, batcher, ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath']);
  const allowed = language === 'JSONPath' ? limits : limits.filter((field) => !field.endsWith('Path'));
  if (!limits.some((field) => hasField(batcher, field))) {
    ctx.report(schemaError(`At least one of these fields is required: [${allowed.join(', ')}]`, at));
  }
  checkCount(site, batcher, 'MaxItemsPerBatch', 'MaxItemsPerBatchPath', 1, Number.MAX_SAFE_INTEGER);
  checkCount(site, batcher, 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 1, MAX_BATCH_INPUT_BYTES);
  if (hasField(batcher, 'BatchInput')) checkObjectOrTemplate(site, batcher.BatchInput, child(at, 'BatchInput'));
}

/**
 * ResultWriter: "The ResultWriter field cannot be empty": WriterConfig alone, Resource with
 * Parameters (Arguments in JSONata), or all three (developer guide, "ResultWriter (Map)"). The
 * resource is `s3:putObject`; Parameters name the Bucket (Prefix is optional); WriterConfig takes
 * OutputType JSON/JSONL and Transformation NONE/COMPACT/FLATTEN, both given.
 */
function checkResultWriter(site: Site, writer: Json): void {
  const { ctx, at } = site;
  if (!isJsonObject(writer)) return ctx.report(typeError(['OBJECT'], at));
  const parameters = parametersField(site);
  unsupported(ctx, writer, at, ['Resource', 'WriterConfig', 'Parameters', 'Arguments']);
  languageFields(site, writer, ['Parameters', 'Arguments']);
  const hasResource = hasField(writer, 'Resource');
  const hasParameters = hasField(writer, parameters);
  if (!hasResource && !hasParameters && !hasField(writer, 'WriterConfig')) {
    ctx.report(schemaError(`At least one of these fields is required: [WriterConfig, Resource, ${parameters}]`, at));
  } else if (hasResource !== hasParameters) {
    ctx.report(requiredError([hasResource ? parameters : 'Resource'], at));
  }
  resourceAction(ctx, writer, at, ResultWriterResources);
  if (hasParameters) checkS3Parameters(site, writer[parameters], parameters, ['Bucket']);
  if (!hasField(writer, 'WriterConfig')) return;
  const config = writer.WriterConfig;
  const where = child(at, 'WriterConfig');
  if (!isJsonObject(config)) return ctx.report(typeError(['OBJECT'], where));
  unsupported(ctx, config, where, ['OutputType', 'Transformation']);
  const missing = ['OutputType', 'Transformation'].filter((field) => !hasField(config, field));
  if (missing.length > 0) ctx.report(requiredError(missing, where));
  oneOf(ctx, config, 'OutputType', WriterOutputTypes, where);
  oneOf(ctx, config, 'Transformation', WriterTransformations, where);
}

/** The ItemReader/ResultWriter's resource action ("s3:getObject"), reporting a resource AWS does not know. */
function resourceAction<A extends string>(
  ctx: RuleContext,
  holder: JsonObject,
  at: string,
  actions: readonly A[],
): A | undefined {
  if (!hasField(holder, 'Resource')) return undefined;
  const resource = holder.Resource;
  const where = child(at, 'Resource');
  if (typeof resource !== 'string') {
    ctx.report(typeError(['STRING'], where));
    return undefined;
  }
  const action = /^arn:aws[a-z-]*:states:::(s3:[A-Za-z0-9]+)$/.exec(resource)?.[1];
  if (action !== undefined && (actions as readonly string[]).includes(action)) return action as A;
  ctx.report(
    schemaError(
      `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
      where,
    ),
  );
  return undefined;
}

/**
 * Bucket/Key in a literal Parameters or Arguments object: "Bucket.$" (JSONPath) or a JSONata
 * value stands in for the field. The text is AWS's for a missing Credentials RoleArn.
 */
function checkS3Parameters(site: Site, value: Json, field: string, keys: readonly string[]): void {
  const { ctx, language } = site;
  const at = child(site.at, field);
  if (language === 'JSONata' && jsonataExpression(value) !== undefined) return;
  if (!isJsonObject(value)) return ctx.report(typeError(['OBJECT'], at));
  if (language === 'JSONPath') checkPayloadTemplate(ctx, value, at);
  for (const key of keys) {
    if (!hasField(value, key) && !hasField(value, `${key}.$`)) {
      ctx.report(schemaError(`The field '${key}' is required but was missing`, at));
    }
  }
}

/** BatchInput: an object (a payload template in JSONPath) or, in JSONata, an expression. */
function checkObjectOrTemplate(site: Site, value: Json, at: string): void {
  const { ctx, language } = site;
  if (language === 'JSONata' && jsonataExpression(value) !== undefined) return;
  if (!isJsonObject(value)) return ctx.report(typeError(['OBJECT'], at));
  if (language === 'JSONPath') checkPayloadTemplate(ctx, value, at);
}

/** ItemsPointer: a JSON Pointer (RFC 6901) to the array inside the JSON object read. */
function checkPointer(ctx: RuleContext, value: Json, at: string): void {
  if (typeof value !== 'string') return ctx.report(typeError(['STRING'], at));
  if (value !== '' && !value.startsWith('/')) {
    ctx.report(schemaError("The value for the field 'ItemsPointer' must be a valid JSON Pointer", at));
  }
}

/**
 * A count and its `*Path` form: mutually exclusive, the path a valid JSONPath (JSONPath states
 * only), the count an integer in [min, max] unless it is a JSONata expression.
 */
function checkCount(
  { ctx, at, language }: Site,
  holder: JsonObject,
  field: string,
  pathField: string,
  min: number,
  max: number,
): void {
  if (hasField(holder, field) && hasField(holder, pathField)) {
    return ctx.report(schemaError(`These fields are mutually exclusive: [${field}, ${pathField}]`, child(at, field)));
  }
  if (hasField(holder, pathField) && language === 'JSONPath') {
    checkPath(ctx, holder[pathField], child(at, pathField), pathField);
  }
  if (!hasField(holder, field)) return;
  const value = holder[field];
  const where = child(at, field);
  if (language === 'JSONata' && jsonataExpression(value) !== undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) return ctx.report(typeError(['INTEGER'], where));
  if (value < min) ctx.report(schemaError(`Minimum value is ${min}`, where));
  else if (value > max) ctx.report(schemaError(`Maximum value is ${max}`, where));
}

/** A field of `holder` that is present must be one of `values`; false when it is not. */
function oneOf(ctx: RuleContext, holder: JsonObject, field: string, values: readonly string[], at: string): boolean {
  if (!hasField(holder, field) || (values as readonly Json[]).includes(holder[field])) return true;
  ctx.report(enumError(values, child(at, field)));
  return false;
}

function unsupported(ctx: RuleContext, holder: JsonObject, at: string, fields: readonly string[]): void {
  for (const field of Object.keys(holder)) {
    if (!fields.includes(field)) ctx.report(schemaError(`Field '${field}' is not supported`, at));
  }
}

/** Parameters in JSONPath, Arguments in JSONata. */
function parametersField({ language }: Site): 'Parameters' | 'Arguments' {
  return language === 'JSONata' ? 'Arguments' : 'Parameters';
}

/**
 * Fields of one language used in the other, with AWS's text for the same mistake at state level
 * ("The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the
 * 'JSONPath' QueryLanguage"), located at the object that holds them.
 */
function languageFields({ ctx, at, language }: Site, holder: JsonObject, fields: readonly string[]): void {
  for (const field of fields) {
    if (!hasField(holder, field)) continue;
    const jsonPathOnly = field !== 'Arguments';
    const fieldLanguage: QueryLanguage = jsonPathOnly ? 'JSONPath' : 'JSONata';
    if (fieldLanguage === language) continue;
    ctx.report(
      schemaError(
        `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${fieldLanguage}' QueryLanguage`,
        at,
      ),
    );
  }
}

/** Not AWS's text (it does not document one): a field that only means something with another's value. */
function onlyWith(field: string, other: string, value: string, at: string): Diagnostic {
  return schemaError(`Field '${field}' is only supported when '${other}' is '${value}'`, at);
}

/** Not AWS's: a Distributed-only field on an INLINE Map (a WARNING, see the file's note). */
function inlineWarning(field: string, location: string): Diagnostic {
  return warning(
    `Field '${field}' is only supported when the ProcessorConfig 'Mode' is 'DISTRIBUTED'`,
    child(location, field),
  );
}

function warning(message: string, location: string): Diagnostic {
  return { ...schemaError(message, location), severity: 'WARNING' };
}
