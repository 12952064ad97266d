/**
 * Step Functions ARNs: built from names, and parsed strictly. Anything that is not an ARN at all
 * fails with AWS's "Invalid Arn: 'Invalid ARN prefix: ...'"; an ARN of the wrong resource type for
 * the operation with "Invalid Arn: 'Resource type not valid in this context: <type>'".
 */
import { ApiError } from './errors.js';
import { isValidName } from './request.js';

export type StatesArn =
  | { kind: 'stateMachine'; stateMachineArn: string; name: string }
  | { kind: 'stateMachineVersion'; stateMachineArn: string; name: string; version: number }
  | { kind: 'stateMachineAlias'; stateMachineArn: string; name: string; alias: string }
  | { kind: 'execution'; stateMachineArn: string; executionName: string }
  | { kind: 'express'; stateMachineArn: string; executionName: string }
  | { kind: 'mapRun'; stateMachineArn: string }
  | { kind: 'activity' };
export type StatesArnKind = StatesArn['kind'];

/** The resource-type segment AWS names in its message for each kind. */
const resourceTypeOf = {
  stateMachine: 'stateMachine',
  stateMachineVersion: 'stateMachine',
  stateMachineAlias: 'stateMachine',
  execution: 'execution',
  express: 'express',
  mapRun: 'mapRun',
  activity: 'activity',
} as const satisfies Record<StatesArnKind, string>;

const versionPattern = /^[1-9][0-9]{0,9}$/;
const aliasPattern = /^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]{1,80}$/;

export class Arns {
  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly partition = 'aws',
  ) {}

  stateMachine(name: string): string {
    return `arn:${this.partition}:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  /** Parses `text` and checks it is one of `allowed`; throws InvalidArn otherwise. */
  expect<K extends StatesArnKind>(text: string, allowed: readonly K[]): Extract<StatesArn, { kind: K }> {
    const parsed = parseStatesArn(text);
    if (!(allowed as readonly StatesArnKind[]).includes(parsed.kind)) {
      throw invalidArn(`Resource type not valid in this context: ${resourceTypeOf[parsed.kind]}`);
    }
    return parsed as Extract<StatesArn, { kind: K }>;
  }
}

export function invalidArn(detail: string): ApiError {
  return new ApiError('InvalidArn', `Invalid Arn: '${detail}'`);
}

export function parseStatesArn(text: string): StatesArn {
  const parts = text.split(':');
  const [arn, partition, service, region, account, resourceType, ...resource] = parts;
  if (arn !== 'arn' || parts.length < 6 || !partition || service !== 'states') {
    throw invalidArn(`Invalid ARN prefix: ${text}`);
  }
  const malformed = () => invalidArn(`Invalid ARN: ${text}`);
  if (!/^[a-z0-9-]+$/.test(region ?? '') || !/^[0-9]{12}$/.test(account ?? '')) throw malformed();
  const base = `arn:${partition}:states:${region}:${account}:stateMachine:`;
  const named = (name: string | undefined): name is string => name !== undefined && isValidName(name);
  switch (resourceType) {
    case 'stateMachine': {
      const [name, qualifier, ...extra] = resource;
      if (!named(name) || extra.length > 0) throw malformed();
      const stateMachineArn = base + name;
      if (qualifier === undefined) return { kind: 'stateMachine', stateMachineArn, name };
      if (versionPattern.test(qualifier))
        return { kind: 'stateMachineVersion', stateMachineArn, name, version: Number(qualifier) };
      if (aliasPattern.test(qualifier)) return { kind: 'stateMachineAlias', stateMachineArn, name, alias: qualifier };
      throw malformed();
    }
    case 'execution': {
      // A Distributed Map child's machine segment is `<stateMachine>/<mapLabel>`.
      const [machineAndLabel, executionName, ...extra] = resource;
      const machine = machineAndLabel?.split('/')[0];
      if (!named(machine) || !named(executionName) || extra.length > 0) throw malformed();
      return { kind: 'execution', stateMachineArn: base + machine, executionName };
    }
    case 'express': {
      const [machine, executionName, id, ...extra] = resource;
      if (!named(machine) || !named(executionName) || !id || extra.length > 0) throw malformed();
      return { kind: 'express', stateMachineArn: base + machine, executionName };
    }
    case 'mapRun': {
      const [machineAndLabel, id, ...extra] = resource;
      const machine = machineAndLabel?.split('/')[0];
      if (!named(machine) || !id || extra.length > 0) throw malformed();
      return { kind: 'mapRun', stateMachineArn: base + machine };
    }
    case 'activity':
      if (resource.length !== 1 || !named(resource[0])) throw malformed();
      return { kind: 'activity' };
    default:
      throw invalidArn(`Resource type not valid in this context: ${resourceType}`);
  }
}
