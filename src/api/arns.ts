/**
 * Step Functions ARNs as the API answers about them. Parsing and building live in
 * `vocabulary/arn.ts`; this maps a parse failure to AWS's texts. Anything that is not an ARN at
 * all fails with "Invalid Arn: 'Invalid ARN prefix: ...'"; an ARN of the wrong resource type for
 * the operation with "Invalid Arn: 'Resource type not valid in this context: <type>'".
 */
import {
  formatActivityArn,
  formatStateMachineArn,
  parseStatesArn,
  partitionOf,
  resourceTypeOf,
  type ArnHome,
  type StatesArn,
  type StatesArnKind,
} from '../vocabulary/arn.js';
import { ApiError } from './errors.js';

export class Arns {
  constructor(
    readonly region: string,
    readonly accountId: string,
    /** The region's partition unless given: `arn:aws-cn:...` in `cn-north-1`. */
    readonly partition = partitionOf(region),
  ) {}

  get home(): ArnHome {
    return { partition: this.partition, region: this.region, account: this.accountId };
  }

  stateMachine(name: string): string {
    return formatStateMachineArn(this.home, name);
  }

  activity(name: string): string {
    return formatActivityArn(this.home, name);
  }

  /** Parses `text` and checks it is one of `allowed`; throws InvalidArn otherwise. */
  expect<K extends StatesArnKind>(text: string, allowed: readonly K[]): Extract<StatesArn, { kind: K }> {
    const parsed = requireStatesArn(text);
    if (!isOneOf(parsed, allowed)) {
      throw invalidArn(`Resource type not valid in this context: ${resourceTypeOf[parsed.kind]}`);
    }
    return parsed;
  }
}

function isOneOf<K extends StatesArnKind>(
  arn: StatesArn,
  allowed: readonly K[],
): arn is Extract<StatesArn, { kind: K }> {
  return (allowed as readonly StatesArnKind[]).includes(arn.kind);
}

export function invalidArn(detail: string): ApiError {
  return new ApiError('InvalidArn', `Invalid Arn: '${detail}'`);
}

/** Any Step Functions ARN, or AWS's InvalidArn for why it is not one. */
export function requireStatesArn(text: string): StatesArn {
  const parsed = parseStatesArn(text);
  if (parsed.ok) return parsed.arn;
  switch (parsed.problem) {
    case 'prefix':
      throw invalidArn(`Invalid ARN prefix: ${text}`);
    case 'malformed':
      throw invalidArn(`Invalid ARN: ${text}`);
    case 'resourceType':
      throw invalidArn(`Resource type not valid in this context: ${parsed.resourceType}`);
  }
}
