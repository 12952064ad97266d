/**
 * Request members, read and checked the way AWS's model layer does it: every constraint violation
 * is collected and reported at once as a ValidationException ("2 validation errors detected: ...;
 * ..."), before the operation looks at any resource. A member of the wrong JSON type is a
 * SerializationException, as for any body the protocol cannot bind.
 */
import { MAX_INPUT_BYTES } from '../engine/executions.js';
import { isValidName } from '../vocabulary/arn.js';
import { jsonTooDeep, tooDeepMessage } from '../vocabulary/json-depth.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { ApiError, validationError, type ApiErrorType } from './errors.js';

export interface StringConstraints {
  min?: number;
  max?: number;
  /** Sensitive members (definitions, inputs, errors, causes) are not echoed in messages. */
  sensitive?: boolean;
  /** Measure `max` in UTF-8 bytes ("Member must have size ... bytes in UTF-8 encoding"). */
  utf8Bytes?: boolean;
  /** The member is JSON text: nesting deeper than MAX_JSON_DEPTH is this error, before anything parses it. */
  json?: ApiErrorType;
}

export class Request {
  /**
   * @param path where this structure sits in the request ('' at the top, 'routingConfiguration.1.member'
   *   for a list item), so violations name members by their full path as AWS does.
   */
  constructor(
    private readonly body: JsonObject,
    private readonly path = '',
    private readonly violations: string[] = [],
  ) {}

  /** A required string member; '' stands in when missing (the violation makes `check()` throw). */
  requiredString(member: string, constraints: StringConstraints = {}): string {
    return this.string(member, constraints) ?? this.notNull(member, '');
  }

  /** Records that a required member is missing; returns `placeholder` for the caller to carry on with. */
  notNull<T>(member: string, placeholder: T): T;
  notNull(member: string): void;
  notNull<T>(member: string, placeholder?: T): T | undefined {
    this.violations.push(
      `Value null at '${this.qualified(member)}' failed to satisfy constraint: Member must not be null`,
    );
    return placeholder;
  }

  string(member: string, constraints: StringConstraints = {}): string | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw wrongType(this.qualified(member), 'String');
    if (constraints.json !== undefined && jsonTooDeep(value))
      throw new ApiError(constraints.json, tooDeepMessage(`The JSON text at '${this.qualified(member)}'`));
    const shown = constraints.sensitive
      ? `Value at '${this.qualified(member)}'`
      : `Value '${value}' at '${this.qualified(member)}'`;
    const min = constraints.min ?? 0;
    if (value.length < min) {
      this.violations.push(
        `${shown} failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
      );
    } else if (constraints.max !== undefined) {
      if (constraints.utf8Bytes && Buffer.byteLength(value, 'utf8') > constraints.max) {
        this.violations.push(
          `${shown} failed to satisfy constraint: Member must have size less than or equal to ${constraints.max} bytes in UTF-8 encoding`,
        );
      } else if (!constraints.utf8Bytes && value.length > constraints.max) {
        this.violations.push(
          `${shown} failed to satisfy constraint: Member must have length less than or equal to ${constraints.max}`,
        );
      }
    }
    return value;
  }

  boolean(member: string): boolean | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw wrongType(this.qualified(member), 'Boolean');
    return value;
  }

  integer(member: string, range: { min?: number; max?: number } = {}): number | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(this.qualified(member), 'Integer');
    if (range.min !== undefined && value < range.min) {
      this.violations.push(
        `Value '${value}' at '${this.qualified(member)}' failed to satisfy constraint: Member must have value greater than or equal to ${range.min}`,
      );
    } else if (range.max !== undefined && value > range.max) {
      this.violations.push(
        `Value '${value}' at '${this.qualified(member)}' failed to satisfy constraint: Member must have value less than or equal to ${range.max}`,
      );
    }
    return value;
  }

  float(member: string, range: { min?: number; max?: number } = {}): number | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(this.qualified(member), 'Float');
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      const bound =
        range.min !== undefined && value < range.min
          ? `greater than or equal to ${range.min}`
          : `less than or equal to ${range.max}`;
      this.violations.push(
        `Value '${value}' at '${this.qualified(member)}' failed to satisfy constraint: Member must have value ${bound}`,
      );
    }
    return value;
  }

  enumValue<T extends string>(member: string, values: readonly T[]): T | undefined {
    const value = this.string(member);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) {
      this.violations.push(
        `Value '${value}' at '${this.qualified(member)}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
      );
      return undefined;
    }
    return value as T;
  }

  object(member: string): JsonObject | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (!isJsonObject(value)) throw wrongType(this.qualified(member), 'Structure');
    return value;
  }

  array(member: string, limits: { min?: number; max?: number } = {}): Json[] | undefined {
    const value = this.member(member);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) throw wrongType(this.qualified(member), 'List');
    if (limits.min !== undefined && value.length < limits.min) {
      this.violations.push(
        `Value '${JSON.stringify(value)}' at '${this.qualified(member)}' failed to satisfy constraint: Member must have length greater than or equal to ${limits.min}`,
      );
    } else if (limits.max !== undefined && value.length > limits.max) {
      this.violations.push(
        `Value '${JSON.stringify(value)}' at '${this.qualified(member)}' failed to satisfy constraint: Member must have length less than or equal to ${limits.max}`,
      );
    }
    return value;
  }

  /** Records a violation found by an operation's own model check (e.g. inside a list member). */
  violation(text: string): void {
    this.violations.push(text);
  }

  /** Throws the ValidationException for every violation recorded so far. */
  check(): void {
    if (this.violations.length > 0) throw validationError(this.violations);
  }

  /** A nested structure (list item, logging configuration...) read with the same rules. */
  nested(value: Json, path: string): Request {
    if (!isJsonObject(value)) throw wrongType(this.qualified(path), 'Structure');
    return new Request(value, this.qualified(path), this.violations);
  }

  private qualified(member: string): string {
    return this.path === '' ? member : `${this.path}.${member}`;
  }

  private member(member: string): Json | undefined {
    const value = Object.prototype.hasOwnProperty.call(this.body, member) ? this.body[member] : undefined;
    return value === null ? undefined : value;
  }
}

function wrongType(member: string, expected: string): ApiError {
  return new ApiError('SerializationException', `Unexpected value type for '${member}': expected ${expected}`);
}

// ---- shared member shapes ---------------------------------------------------------------------

export const Limits = {
  arn: { min: 1, max: 256 },
  longArn: { min: 1, max: 2000 },
  name: { min: 1, max: 80 },
  definition: { min: 1, max: 1048576, sensitive: true, utf8Bytes: true },
  input: { max: MAX_INPUT_BYTES, sensitive: true, utf8Bytes: true, json: 'InvalidExecutionInput' },
  output: { max: MAX_INPUT_BYTES, sensitive: true, utf8Bytes: true, json: 'InvalidOutput' },
  error: { max: 256, sensitive: true },
  cause: { max: 32768, sensitive: true },
  description: { max: 256, sensitive: true },
  pageToken: { min: 1, max: 1024 },
  revisionId: { max: 256 },
} as const satisfies Record<string, StringConstraints>;

/** AWS's name rule; StartExecution's, used for every named resource. */
export { isValidName };
