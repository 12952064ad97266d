/**
 * `deployTemplate`: a template's activities and state machines onto a Step Functions endpoint (a
 * running Stepwise, through @aws-sdk/client-sfn), its Node.js functions into the functions
 * folder. Everything is checked first (the template, every definition with
 * ValidateStateMachineDefinition, the functions folder), then created or updated, so bad input
 * leaves nothing half-deployed. A resource that already matches the template is left unchanged:
 * deploying twice changes nothing.
 */
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeActivityCommand,
  DescribeStateMachineCommand,
  ListActivitiesCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  type SFNClient,
  type Tag,
} from '@aws-sdk/client-sfn';
import { loadTemplate, type LoadTemplateOptions, type LoadedTemplate, type TemplateStateMachine } from './load.js';
import { TemplateError } from './parse.js';
import { planShims, writeShims } from './shims.js';

export type Change = 'created' | 'updated' | 'replaced' | 'unchanged';

export interface DeployedItem {
  kind: 'state machine' | 'activity' | 'function';
  logicalId: string;
  name: string;
  arn: string;
  change: Change;
  /** For a function: the module written into the functions folder. */
  file?: string;
}

export interface DeployOptions extends LoadTemplateOptions {
  client: SFNClient;
  /** Where the template's functions are written for the server to run (default ./functions). */
  functionsDir?: string;
}

export interface DeployResult {
  template: LoadedTemplate;
  items: DeployedItem[];
  warnings: string[];
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: unknown }).name;
  return name === 'StateMachineDoesNotExist' || name === 'ActivityDoesNotExist';
}

/** The server's region and account, from an ARN it already holds (else the given or default ones). */
async function serverHome(client: SFNClient): Promise<{ region: string; accountId: string } | undefined> {
  const machines = await client.send(new ListStateMachinesCommand({ maxResults: 1 }));
  const activities = await client.send(new ListActivitiesCommand({ maxResults: 1 }));
  const arn = machines.stateMachines?.[0]?.stateMachineArn ?? activities.activities?.[0]?.activityArn;
  const parts = arn?.split(':');
  return parts && parts.length > 5 ? { region: parts[3]!, accountId: parts[4]! } : undefined;
}

/** Every definition checked by the server, all problems told at once. */
async function validateAll(client: SFNClient, template: LoadedTemplate): Promise<void> {
  const problems: string[] = [];
  for (const machine of template.stateMachines) {
    const answer = await client.send(
      new ValidateStateMachineDefinitionCommand({ definition: machine.definitionText, type: machine.type }),
    );
    if (answer.result === 'OK') continue;
    const where = machine.definitionFile ?? template.file;
    for (const diagnostic of answer.diagnostics ?? []) {
      if (diagnostic.severity !== 'ERROR') continue;
      const at = diagnostic.location ? ` at ${diagnostic.location}` : '';
      problems.push(`${where}: ${machine.logicalId}: ${diagnostic.code} ${diagnostic.message}${at}`);
    }
  }
  if (problems.length > 0) throw new TemplateError(problems.join('\n'));
}

function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** Sets the resource's tags to exactly the template's; whether anything changed. */
async function syncTags(client: SFNClient, arn: string, wanted: Record<string, string>): Promise<boolean> {
  const { tags = [] } = await client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  const current = Object.fromEntries(tags.map((tag) => [tag.key ?? '', tag.value ?? '']));
  const extra = Object.keys(current).filter((key) => !(key in wanted));
  const changed = Object.entries(wanted).filter(([key, value]) => current[key] !== value);
  if (extra.length > 0) await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: extra }));
  if (changed.length > 0)
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: tagList(Object.fromEntries(changed)) }));
  return extra.length > 0 || changed.length > 0;
}

function logging(machine: TemplateStateMachine) {
  const given = machine.loggingConfiguration ?? {};
  return {
    level: (given.level ?? 'OFF') as 'ALL' | 'ERROR' | 'FATAL' | 'OFF',
    includeExecutionData: given.includeExecutionData ?? false,
    destinations: given.destinations ?? [],
  };
}

function sameLogging(
  a: ReturnType<typeof logging>,
  b: { level?: string; includeExecutionData?: boolean; destinations?: unknown[] },
): boolean {
  return (
    a.level === (b.level ?? 'OFF') &&
    a.includeExecutionData === (b.includeExecutionData ?? false) &&
    JSON.stringify(a.destinations) === JSON.stringify(b.destinations ?? [])
  );
}

/** Where the server put what it created (its region and account can differ from the ones assumed). */
type Created = (arn: string | undefined) => void;

async function deployStateMachine(client: SFNClient, machine: TemplateStateMachine, created: Created): Promise<Change> {
  const wantedLogging = logging(machine);
  const tracing = { enabled: machine.tracingConfiguration?.enabled ?? false };
  const create = async () => {
    const answer = await client.send(
      new CreateStateMachineCommand({
        name: machine.name,
        definition: machine.definitionText,
        roleArn: machine.roleArn,
        type: machine.type,
        loggingConfiguration: wantedLogging,
        tracingConfiguration: tracing,
        ...(Object.keys(machine.tags).length > 0 ? { tags: tagList(machine.tags) } : {}),
      }),
    );
    created(answer.stateMachineArn);
  };
  let current;
  try {
    current = await client.send(new DescribeStateMachineCommand({ stateMachineArn: machine.arn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await create();
    return 'created';
  }
  if (current.type !== machine.type) {
    // A type cannot be updated: CloudFormation replaces the state machine, and so does this.
    await client.send(new DeleteStateMachineCommand({ stateMachineArn: machine.arn }));
    await create();
    return 'replaced';
  }
  const differs =
    current.definition !== machine.definitionText ||
    current.roleArn !== machine.roleArn ||
    !sameLogging(wantedLogging, current.loggingConfiguration ?? {}) ||
    (current.tracingConfiguration?.enabled ?? false) !== tracing.enabled;
  if (differs)
    await client.send(
      new UpdateStateMachineCommand({
        stateMachineArn: machine.arn,
        definition: machine.definitionText,
        roleArn: machine.roleArn,
        loggingConfiguration: wantedLogging,
        tracingConfiguration: tracing,
      }),
    );
  const retagged = await syncTags(client, machine.arn, machine.tags);
  return differs || retagged ? 'updated' : 'unchanged';
}

async function deployActivity(
  client: SFNClient,
  activity: LoadedTemplate['activities'][number],
  created: Created,
): Promise<Change> {
  try {
    await client.send(new DescribeActivityCommand({ activityArn: activity.arn }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const answer = await client.send(
      new CreateActivityCommand({
        name: activity.name,
        ...(Object.keys(activity.tags).length > 0 ? { tags: tagList(activity.tags) } : {}),
      }),
    );
    created(answer.activityArn);
    return 'created';
  }
  return (await syncTags(client, activity.arn, activity.tags)) ? 'updated' : 'unchanged';
}

/** A request the server refused (an AWS error), as a TemplateError naming the resource. */
async function refused<T>(file: string, logicalId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { name, message, $metadata } = error as { name?: unknown; message?: unknown; $metadata?: unknown };
    if ($metadata === undefined || typeof name !== 'string') throw error;
    throw new TemplateError(`${file}: ${logicalId}: the server refused it: ${name}: ${String(message)}`);
  }
}

/** A role ARN as CreateStateMachine accepts it (the API's own rule). */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * What the server would refuse, told before anything is created: logging at a level other than
 * OFF needs exactly one log group; the role must be an IAM role ARN.
 */
function checkConfiguration(template: LoadedTemplate): void {
  const problems = template.stateMachines.flatMap((machine) => {
    const { level = 'OFF', destinations = [] } = machine.loggingConfiguration ?? {};
    const found: string[] = [];
    if (destinations.length > 1 || (level !== 'OFF' && destinations.length === 0))
      found.push(
        `${template.file}: ${machine.logicalId}: logging at level ${level} needs exactly one log group destination`,
      );
    if (!ROLE_ARN.test(machine.roleArn))
      found.push(`${template.file}: ${machine.logicalId}: '${machine.roleArn}' is not an IAM role ARN`);
    return found;
  });
  if (problems.length > 0) throw new TemplateError(problems.join('\n'));
}

/** Warnings about what is not deployed: resources standing in as ARNs, functions that do not run here. */
function warningsOf(template: LoadedTemplate): string[] {
  const warnings: string[] = [...template.warnings];
  if (template.placeholders.length > 0) {
    const list = template.placeholders.map((p) => `${p.logicalId} (${p.type}) = ${p.values.join(', ')}`).join('; ');
    warnings.push(`not deployed, referenced as plausible ARNs and names: ${list}`);
  }
  for (const output of template.outputs)
    if (output.problem !== undefined) warnings.push(`output ${output.key} is not resolved: ${output.problem}`);
  for (const skipped of template.skippedFunctions)
    warnings.push(`function ${skipped.logicalId} does not run here: ${skipped.reason}`);
  return warnings;
}

/** Loads, checks and deploys the template. Throws a TemplateError for bad input, before changing anything. */
export async function deployTemplate(file: string, options: DeployOptions): Promise<DeployResult> {
  const { client, ...settings } = options;
  const home = settings.region === undefined ? await serverHome(client) : undefined;
  const result = await deployOnce(file, options, { ...home, ...settings });
  const actual = result.serverHome;
  if (actual === undefined) return result;
  // An empty server told nothing of its region and account, and they were not the defaults: the
  // first ARN it gave says them. Deploying again with them makes every ARN in the definitions right.
  const again = await deployOnce(file, options, { ...settings, ...actual });
  const firstCreated = new Set(result.items.filter((item) => item.change === 'created').map((item) => item.logicalId));
  for (const item of again.items) if (firstCreated.has(item.logicalId)) item.change = 'created';
  return { template: again.template, items: again.items, warnings: again.warnings };
}

async function deployOnce(
  file: string,
  options: DeployOptions,
  settings: LoadTemplateOptions,
): Promise<DeployResult & { serverHome?: { region: string; accountId: string } }> {
  const { client, functionsDir = 'functions' } = options;
  const template = await loadTemplate(file, settings);
  let serverHome: { region: string; accountId: string } | undefined;
  const created: Created = (arn) => {
    const parts = arn?.split(':') ?? [];
    if (parts.length > 5 && (parts[3] !== template.region || parts[4] !== template.accountId))
      serverHome ??= { region: parts[3]!, accountId: parts[4]! };
  };
  checkConfiguration(template);
  await validateAll(client, template);
  const shims = planShims(template.functions, functionsDir, file);

  const items: DeployedItem[] = [];
  for (const { plan, change } of writeShims(shims))
    items.push({
      kind: 'function',
      logicalId: plan.fn.logicalId,
      name: plan.fn.name,
      arn: plan.fn.arn,
      change,
      file: plan.file,
    });
  for (const activity of template.activities) {
    const change = await refused(file, activity.logicalId, () => deployActivity(client, activity, created));
    items.push({ kind: 'activity', logicalId: activity.logicalId, name: activity.name, arn: activity.arn, change });
  }
  for (const machine of template.stateMachines) {
    const change = await refused(file, machine.logicalId, () => deployStateMachine(client, machine, created));
    items.push({ kind: 'state machine', logicalId: machine.logicalId, name: machine.name, arn: machine.arn, change });
  }
  return { template, items, warnings: warningsOf(template), ...(serverHome ? { serverHome } : {}) };
}
