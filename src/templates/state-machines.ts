/**
 * AWS::StepFunctions::StateMachine and AWS::Serverless::StateMachine as CreateStateMachine
 * requests: the definition from Definition (an object), DefinitionString (Fn::Sub / Fn::Join
 * resolved), DefinitionUri or DefinitionS3Location (a local file, JSON or YAML), with
 * DefinitionSubstitutions put in its text; the type, role, logging and tracing configuration and
 * tags under their CloudFormation (or SAM) names. AWS::StepFunctions::Activity too.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { Resource, TemplateModel } from './model.js';
import { shapeOf } from './resources.js';

export interface LoggingConfiguration {
  level?: string;
  includeExecutionData?: boolean;
  destinations?: Array<{ cloudWatchLogsLogGroup?: { logGroupArn?: string } }>;
}

export interface TemplateStateMachine {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  /** The definition, substitutions made. */
  definition: JsonObject;
  /** The definition as sent to CreateStateMachine (JSON text). */
  definitionText: string;
  /** The definition's file, for DefinitionUri / DefinitionS3Location. */
  definitionFile?: string;
  roleArn: string;
  loggingConfiguration?: LoggingConfiguration;
  tracingConfiguration?: { enabled: boolean };
  tags: Record<string, string>;
}

export interface TemplateActivity {
  logicalId: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** DefinitionSubstitutions: `${key}` in the definition's text becomes the value (escaped for a JSON string). */
function substitute(text: string, substitutions: Record<string, string>): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
    const value = substitutions[key];
    return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
  });
}

function parseDefinitionText(text: string): unknown {
  return text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
}

function substitutionsOf(model: TemplateModel, resource: Resource): Record<string, string> {
  const value = model.property(resource, 'DefinitionSubstitutions');
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  if (!isJsonObject(value))
    throw model.error(['Resources', resource.logicalId, 'Properties', 'DefinitionSubstitutions'], 'must be an object');
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
    else
      throw model.error(
        ['Resources', resource.logicalId, 'Properties', 'DefinitionSubstitutions', key],
        'a substitution must be a string, a number or a boolean',
      );
  }
  return out;
}

/** The definition's text before substitutions, and the file it came from. */
function definitionSource(model: TemplateModel, resource: Resource): { text: string; file?: string; key: string } {
  const { logicalId } = resource;
  const keys = ['Definition', 'DefinitionString', 'DefinitionUri', 'DefinitionS3Location'].filter(
    (key) => resource.properties[key] !== undefined,
  );
  if (keys.length !== 1)
    throw model.error(
      ['Resources', logicalId],
      keys.length === 0
        ? 'the state machine has no Definition, DefinitionString, DefinitionUri or DefinitionS3Location'
        : `the state machine has both ${keys.join(' and ')}: give one`,
    );
  const key = keys[0]!;
  const value = model.property(resource, key);
  const path = ['Resources', logicalId, 'Properties', key];
  if (key === 'Definition') {
    if (!isJsonObject(value ?? null)) throw model.error(path, 'Definition must be an object');
    return { text: JSON.stringify(value), key };
  }
  if (key === 'DefinitionString') {
    if (typeof value !== 'string') throw model.error(path, 'DefinitionString must be a string');
    return { text: value, key };
  }
  if (typeof value !== 'string')
    throw model.error(path, `${key} in S3 cannot be read here: give the local path of the definition file`);
  const file = resolve(dirname(resolve(model.template.file)), value);
  try {
    return { text: readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), file, key };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw model.error(path, `cannot read ${value}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
  }
}

function tagsOf(model: TemplateModel, resource: Resource): Record<string, string> {
  const value = model.property(resource, 'Tags');
  const tags: Record<string, string> = {};
  const path = ['Resources', resource.logicalId, 'Properties', 'Tags'];
  if (value === undefined || value === null) return tags;
  if (Array.isArray(value)) {
    for (const entry of value) {
      if (!isJsonObject(entry) || typeof entry.Key !== 'string')
        throw model.error(path, 'Tags must be a list of {Key, Value}');
      tags[entry.Key] = String(entry.Value ?? '');
    }
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) tags[key] = typeof item === 'string' ? item : JSON.stringify(item);
  } else throw model.error(path, 'Tags must be a list of {Key, Value} or a map');
  return tags;
}

function loggingOf(value: Json | undefined): LoggingConfiguration | undefined {
  if (!isJsonObject(value ?? null)) return undefined;
  const logging = value as JsonObject;
  const out: LoggingConfiguration = {};
  if (typeof logging.Level === 'string') out.level = logging.Level;
  if (typeof logging.IncludeExecutionData === 'boolean') out.includeExecutionData = logging.IncludeExecutionData;
  if (Array.isArray(logging.Destinations)) {
    out.destinations = logging.Destinations.map((destination) => {
      const group = isJsonObject(destination) ? destination.CloudWatchLogsLogGroup : undefined;
      const arn = isJsonObject(group ?? null) ? (group as JsonObject).LogGroupArn : undefined;
      return { cloudWatchLogsLogGroup: typeof arn === 'string' ? { logGroupArn: arn } : {} };
    });
  }
  return out;
}

export function stateMachineOf(model: TemplateModel, resource: Resource): TemplateStateMachine {
  const { logicalId } = resource;
  const sam = resource.type === 'AWS::Serverless::StateMachine';
  const name = model.nameOf(resource);
  const source = definitionSource(model, resource);
  const text = substitute(source.text, substitutionsOf(model, resource));
  let definition: unknown;
  try {
    definition = parseDefinitionText(text);
  } catch (error) {
    const where = source.file ?? model.template.file;
    throw model.error(
      ['Resources', logicalId, 'Properties', source.key],
      `the definition${source.file ? ` in ${where}` : ''} is not valid JSON or YAML: ${errorMessage(error)}`,
    );
  }
  if (!isJsonObject((definition ?? null) as Json))
    throw model.error(['Resources', logicalId, 'Properties', source.key], 'the definition must be an object');
  const typeKey = sam ? 'Type' : 'StateMachineType';
  const type = (model.text(resource, typeKey) ?? 'STANDARD').toUpperCase();
  if (type !== 'STANDARD' && type !== 'EXPRESS')
    throw model.error(
      ['Resources', logicalId, 'Properties', typeKey],
      `${typeKey} must be STANDARD or EXPRESS, not ${type}`,
    );
  const role = model.text(resource, sam ? 'Role' : 'RoleArn');
  // SAM's generated role is `<LogicalId>Role` (a role name has at most 64 characters).
  const roleArn =
    role ?? `arn:${model.home.partition}:iam::${model.home.account}:role/${`${logicalId}Role`.slice(-64)}`;
  const logging = loggingOf(model.property(resource, sam ? 'Logging' : 'LoggingConfiguration'));
  const tracing = model.property(resource, sam ? 'Tracing' : 'TracingConfiguration');
  const enabled = isJsonObject(tracing ?? null) ? (tracing as JsonObject).Enabled : undefined;
  const machine: TemplateStateMachine = {
    logicalId,
    name,
    arn: shapeOf(resource.type).arn(model.home, name),
    type,
    definition: definition as JsonObject,
    definitionText: JSON.stringify(definition),
    roleArn,
    tags: tagsOf(model, resource),
  };
  if (source.file !== undefined) machine.definitionFile = source.file;
  if (logging !== undefined) machine.loggingConfiguration = logging;
  if (enabled !== undefined) machine.tracingConfiguration = { enabled: enabled === true || enabled === 'true' };
  return machine;
}

export function activityOf(model: TemplateModel, resource: Resource): TemplateActivity {
  const name = model.nameOf(resource);
  return {
    logicalId: resource.logicalId,
    name,
    arn: shapeOf(resource.type).arn(model.home, name),
    tags: tagsOf(model, resource),
  };
}
