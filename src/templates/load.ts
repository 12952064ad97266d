/**
 * `loadTemplate(path, {parameters})`: a SAM, CloudFormation or CDK template's state machines
 * (definitions resolved), activities and Node.js functions, by logical id, with the resources
 * that stay plausible ARNs.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isJsonObject, type JsonObject } from '../json.js';
import { isValidName } from '../vocabulary/arn.js';
import { TemplateModel, type Placeholder, type TemplateSettings } from './model.js';
import { TemplateError, parseTemplate } from './parse.js';
import { scanFunctions, type TemplateFunction } from './functions.js';
import { activityOf, stateMachineOf, type TemplateActivity, type TemplateStateMachine } from './state-machines.js';

export type { TemplateFunction } from './functions.js';
export type { TemplateActivity, TemplateStateMachine, LoggingConfiguration } from './state-machines.js';
export type { Placeholder } from './model.js';
export { TemplateError } from './parse.js';

export type LoadTemplateOptions = TemplateSettings;

/** SAM's transform (what this reads natively) and the language extensions (Fn::ToJsonString, Fn::Length...). */
const KNOWN_TRANSFORMS = new Set(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions']);

export interface LoadedTemplate {
  file: string;
  stackName: string;
  region: string;
  accountId: string;
  stateMachines: TemplateStateMachine[];
  activities: TemplateActivity[];
  /** Functions whose Node.js code runs here. */
  functions: TemplateFunction[];
  /** Functions that do not run here, and why. */
  skippedFunctions: Array<{ logicalId: string; reason: string }>;
  /** Resources that are not deployed but were referenced: what they resolved to. */
  placeholders: Placeholder[];
  /** The template's Outputs, resolved (a value that cannot be resolved here says why). */
  outputs: Array<{ key: string; value?: string; problem?: string }>;
  /** What the template asks for that is not done here (a macro Transform). */
  warnings: string[];
  /** Files the template read (itself, definition files, handler files): what `--watch` watches. */
  files: string[];
  /** The state machine with this logical id (throws when there is none). */
  stateMachine(logicalId: string): TemplateStateMachine;
}

/** `MyStack.template.json` is stack MyStack, `template.yaml` stack `template`. */
export function defaultStackName(file: string): string {
  const name = basename(file)
    .replace(/\.(template\.)?(json|ya?ml)$/i, '')
    .replace(/[^A-Za-z0-9-]/g, '-');
  return /^[A-Za-z]/.test(name) ? name : `stack-${name}`;
}

function outputsOf(model: TemplateModel): LoadedTemplate['outputs'] {
  const declared = model.template.body.Outputs;
  if (!isJsonObject(declared ?? null)) return [];
  const outputs: LoadedTemplate['outputs'] = [];
  for (const [key, output] of Object.entries(declared as JsonObject)) {
    if (!isJsonObject(output) || output.Value === undefined) continue;
    try {
      if (
        typeof output.Condition === 'string' &&
        !model.intrinsics.test({ Condition: output.Condition }, ['Outputs', key])
      )
        continue;
      const value = model.resolve(output.Value, ['Outputs', key, 'Value']);
      if (value === undefined) continue;
      outputs.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) });
    } catch (error) {
      outputs.push({ key, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return outputs;
}

/** Reads, resolves and checks the template's text (not the state machines' definitions: deploy validates those). */
export function loadTemplateText(text: string, file: string, options: LoadTemplateOptions = {}): LoadedTemplate {
  const parsed = parseTemplate(text, file);
  const model = new TemplateModel(parsed, { ...options, stackName: options.stackName ?? defaultStackName(file) });
  const scan = scanFunctions(model);
  const stateMachines: TemplateStateMachine[] = [];
  const activities: TemplateActivity[] = [];
  for (const resource of model.resources.values()) {
    if (resource.type === 'AWS::StepFunctions::Activity') activities.push(activityOf(model, resource));
    else if (resource.type === 'AWS::StepFunctions::StateMachine' || resource.type === 'AWS::Serverless::StateMachine')
      stateMachines.push(stateMachineOf(model, resource));
  }
  for (const item of [...stateMachines, ...activities]) {
    if (!isValidName(item.name))
      throw new TemplateError(
        `${file}: ${item.logicalId}: '${item.name}' is not a valid name (1 to 80 letters, digits, - or _)`,
      );
  }
  for (const fn of scan.functions) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(fn.name))
      throw new TemplateError(
        `${file}: ${fn.logicalId}: '${fn.name}' is not a valid function name (1 to 64 letters, digits, - or _)`,
      );
  }
  const names = new Map<string, string>();
  for (const item of [...stateMachines, ...activities]) {
    const other = names.get(item.arn);
    if (other !== undefined)
      throw new TemplateError(`${file}: ${other} and ${item.logicalId} are both named ${item.name}`);
    names.set(item.arn, item.logicalId);
  }
  const files = [
    file,
    ...stateMachines.flatMap((machine) => (machine.definitionFile !== undefined ? [machine.definitionFile] : [])),
    ...scan.functions.map((fn) => fn.file),
  ];
  const transform = parsed.body.Transform;
  const transforms = (Array.isArray(transform) ? transform : transform === undefined ? [] : [transform]).map(String);
  const warnings = transforms
    .filter((name) => !KNOWN_TRANSFORMS.has(name))
    .map((name) => `the Transform ${name} is not applied: its resources are deployed as written`);
  return {
    file,
    warnings,
    outputs: outputsOf(model),
    stackName: model.stackName,
    region: model.home.region,
    accountId: model.home.account,
    stateMachines,
    activities,
    functions: scan.functions,
    skippedFunctions: scan.skipped,
    placeholders: [...model.placeholders.values()],
    files,
    stateMachine(logicalId) {
      const found = stateMachines.find((machine) => machine.logicalId === logicalId);
      if (!found) {
        const known = stateMachines.map((machine) => machine.logicalId).join(', ') || 'none';
        throw new TemplateError(`${file}: no state machine ${logicalId} (the template has ${known})`);
      }
      return found;
    },
  };
}

export async function loadTemplate(file: string, options: LoadTemplateOptions = {}): Promise<LoadedTemplate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TemplateError(
      `cannot read template ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error)}`,
    );
  }
  return loadTemplateText(text, file, options);
}
