/**
 * Step Functions ARNs, the one place they are built and taken apart:
 *
 *   arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version>|:<alias>]
 *   arn:<partition>:states:<region>:<account>:execution:<stateMachine>[/<mapLabel>]:<name>
 *   arn:<partition>:states:<region>:<account>:express:<stateMachine>:<name>:<id>
 *   arn:<partition>:states:<region>:<account>:mapRun:<stateMachine>[/<mapLabel>]:<id>
 *   arn:<partition>:states:<region>:<account>:activity:<name>
 *
 * Pure and value-returning: how a failure reads to a client (AWS's `InvalidArn` texts) is the
 * API's business, in `api/arns.ts`.
 */

/** Where an ARN lives: everything before its resource type. */
export interface ArnHome {
  partition: string;
  region: string;
  account: string;
}

export type StatesArn = ArnHome &
  (
    | { kind: 'stateMachine'; stateMachineArn: string; name: string }
    | { kind: 'stateMachineVersion'; stateMachineArn: string; name: string; version: number }
    | { kind: 'stateMachineAlias'; stateMachineArn: string; name: string; alias: string }
    | {
        kind: 'execution';
        stateMachineArn: string;
        stateMachineName: string;
        /** A Distributed Map child's machine segment is `<stateMachine>/<mapLabel>`. */
        mapLabel?: string;
        executionName: string;
      }
    | { kind: 'express'; stateMachineArn: string; stateMachineName: string; executionName: string; id: string }
    | { kind: 'mapRun'; stateMachineArn: string; stateMachineName: string; mapLabel?: string; id: string }
    | { kind: 'activity'; name: string }
  );
export type StatesArnKind = StatesArn['kind'];

/** Why a text is not a Step Functions ARN; AWS words each differently. */
export type ArnProblem =
  /** Not `arn:<partition>:states:...` with at least six fields. */
  | { problem: 'prefix' }
  /** A Step Functions ARN whose region, account, names or field count are wrong. */
  | { problem: 'malformed' }
  /** A resource type Step Functions does not have. */
  | { problem: 'resourceType'; resourceType: string };

export type ParsedArn = { ok: true; arn: StatesArn } | ({ ok: false } & ArnProblem);

/** The resource-type field of each kind (versions and aliases are state machines). */
export const resourceTypeOf = {
  stateMachine: 'stateMachine',
  stateMachineVersion: 'stateMachine',
  stateMachineAlias: 'stateMachine',
  execution: 'execution',
  express: 'express',
  mapRun: 'mapRun',
  activity: 'activity',
} as const satisfies Record<StatesArnKind, string>;

const versionPattern = /^[1-9][0-9]{0,9}$/;
/** An alias has at least one non-digit, which tells it from a version. */
const aliasPattern = /^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]{1,80}$/;
const regionPattern = /^[a-z0-9-]+$/;
const accountPattern = /^[0-9]{12}$/;

/**
 * One character a name may not hold: white space, the specials, control characters, U+FFFE–FFFF,
 * and (with the u flag, which keeps a surrogate pair whole) a lone surrogate.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const forbiddenNameCharacter = /[\s <>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]/u;

/**
 * AWS's name rule (executions, state machines, activities): 1–80 characters, none of white space,
 * brackets `< > { } [ ]`, wildcards `? *`, specials `" # % \ ^ | ~ ` $ & , ; : /`, control
 * characters (U+0000–001F, U+007F–009F), U+FFFE–FFFF or surrogates.
 */
export function isValidName(name: string): boolean {
  return name.length >= 1 && name.length <= 80 && !forbiddenNameCharacter.test(name);
}

/** Parses any Step Functions ARN strictly: every field is checked, nothing is looked up. */
export function parseStatesArn(text: string): ParsedArn {
  const parts = text.split(':');
  const [arn, partition, service, region, account, resourceType, ...resource] = parts;
  if (arn !== 'arn' || parts.length < 6 || !partition || service !== 'states') return { ok: false, problem: 'prefix' };
  const malformed: ParsedArn = { ok: false, problem: 'malformed' };
  if (region === undefined || !regionPattern.test(region) || account === undefined || !accountPattern.test(account))
    return malformed;
  const home: ArnHome = { partition, region, account };
  const named = (name: string | undefined): name is string => name !== undefined && isValidName(name);
  const ok = (parsed: StatesArn): ParsedArn => ({ ok: true, arn: parsed });
  switch (resourceType) {
    case 'stateMachine': {
      const [name, qualifier, ...extra] = resource;
      if (!named(name) || extra.length > 0) return malformed;
      const stateMachineArn = formatStateMachineArn(home, name);
      if (qualifier === undefined)
        return ok({ partition, region, account, kind: 'stateMachine', stateMachineArn, name });
      if (versionPattern.test(qualifier))
        return ok({
          partition,
          region,
          account,
          kind: 'stateMachineVersion',
          stateMachineArn,
          name,
          version: Number(qualifier),
        });
      if (aliasPattern.test(qualifier))
        return ok({ partition, region, account, kind: 'stateMachineAlias', stateMachineArn, name, alias: qualifier });
      return malformed;
    }
    case 'execution': {
      const [machineAndLabel, executionName, ...extra] = resource;
      const [stateMachineName, mapLabel] = splitLabel(machineAndLabel);
      if (!named(stateMachineName) || !named(executionName) || extra.length > 0) return malformed;
      return ok({
        partition,
        region,
        account,
        kind: 'execution',
        stateMachineArn: formatStateMachineArn(home, stateMachineName),
        stateMachineName,
        ...(mapLabel !== undefined ? { mapLabel } : {}),
        executionName,
      });
    }
    case 'express': {
      const [stateMachineName, executionName, id, ...extra] = resource;
      if (!named(stateMachineName) || !named(executionName) || !id || extra.length > 0) return malformed;
      const stateMachineArn = formatStateMachineArn(home, stateMachineName);
      return ok({ partition, region, account, kind: 'express', stateMachineArn, stateMachineName, executionName, id });
    }
    case 'mapRun': {
      const [machineAndLabel, id, ...extra] = resource;
      const [stateMachineName, mapLabel] = splitLabel(machineAndLabel);
      if (!named(stateMachineName) || !id || extra.length > 0) return malformed;
      return ok({
        partition,
        region,
        account,
        kind: 'mapRun',
        stateMachineArn: formatStateMachineArn(home, stateMachineName),
        stateMachineName,
        ...(mapLabel !== undefined ? { mapLabel } : {}),
        id,
      });
    }
    case 'activity': {
      const [name, ...extra] = resource;
      if (!named(name) || extra.length > 0) return malformed;
      return ok({ partition, region, account, kind: 'activity', name });
    }
    default:
      return { ok: false, problem: 'resourceType', resourceType: resourceType ?? '' };
  }
}

/** `<stateMachine>/<mapLabel>` → both; the label is everything after the first '/'. */
function splitLabel(segment: string | undefined): [string | undefined, string | undefined] {
  if (segment === undefined) return [undefined, undefined];
  const slash = segment.indexOf('/');
  return slash < 0 ? [segment, undefined] : [segment.slice(0, slash), segment.slice(slash + 1)];
}

function prefix(home: ArnHome): string {
  return `arn:${home.partition}:states:${home.region}:${home.account}`;
}

/** A state machine, or with `qualifier` one of its versions or aliases. */
export function formatStateMachineArn(home: ArnHome, name: string, qualifier?: string | number): string {
  return `${prefix(home)}:stateMachine:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`;
}

export function formatExecutionArn(home: ArnHome, stateMachineName: string, executionName: string): string {
  return `${prefix(home)}:execution:${stateMachineName}:${executionName}`;
}

/** An Express execution; TestState's context names one without the id, hence its being optional. */
export function formatExpressArn(home: ArnHome, stateMachineName: string, executionName: string, id?: string): string {
  return `${prefix(home)}:express:${stateMachineName}:${executionName}${id !== undefined ? `:${id}` : ''}`;
}

export function formatMapRunArn(home: ArnHome, stateMachineName: string, mapLabel: string, id: string): string {
  return `${prefix(home)}:mapRun:${stateMachineName}/${mapLabel}:${id}`;
}

export function formatActivityArn(home: ArnHome, name: string): string {
  return `${prefix(home)}:activity:${name}`;
}

/**
 * The region field of any ARN (`arn:<partition>:<service>:<region>:...`), read without judging
 * the rest; undefined when it is missing or empty (a global ARN). Lenient because callers use it
 * on ARNs they were handed and must not fail on.
 */
export function regionOf(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/** The account field of any ARN, read like `regionOf`. */
export function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

/** The partition, region and account of any ARN, read like `regionOf` (missing fields empty). */
export function homeOf(arn: string): ArnHome {
  const [, partition = '', , region = '', account = ''] = arn.split(':');
  return { partition, region, account };
}

/**
 * The partition of a region, as ARNs spell it: every region is in exactly one partition (AWS
 * General Reference, "Amazon Resource Names"). China `cn-*` is `aws-cn`, GovCloud `us-gov-*`
 * `aws-us-gov`, the isolated `us-iso-*` `aws-iso`, `us-isob-*` `aws-iso-b`, `eu-isoe-*`
 * `aws-iso-e`, `us-isof-*` `aws-iso-f`, the European Sovereign Cloud `eusc-*` `aws-eusc`; every
 * other region `aws`. (The prefixes are those of the AWS SDKs' partition table.)
 */
export function partitionOf(region: string): string {
  for (const [prefix, partition] of regionPartitions) if (region.startsWith(prefix)) return partition;
  return 'aws';
}

const regionPartitions: readonly (readonly [string, string])[] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['eusc-', 'aws-eusc'],
];
