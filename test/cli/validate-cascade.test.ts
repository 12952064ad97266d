import { describe, expect, it } from 'vitest';
import { foldDiagnostics } from '../../src/cli/common.js';
import { validate } from '../../src/index.js';
import { nearestName } from '../../src/asl/suggest.js';
import { cli, fixture, lines } from './helpers.js';

describe('stepwise validate: the root cause first, the cascade folded', () => {
  it('one misspelt Next is one error, with a suggestion and the states it leaves unreachable', async () => {
    const file = fixture('typo-next.json');
    const { code, stdout } = await cli('validate', file);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      `${file}:5:37: ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: ChargCard (at /States/CheckOrder/Next): ` +
        'did you mean "ChargeCard"? (+4 states unreachable because of it: ChargeCard, Ship, Email, Done)',
      `${file}:9:50: ERROR SCHEMA_VALIDATION_FAILED Minimum value is 0 (at /States/ChargeCard/Retry[0]/MaxAttempts)`,
      `${file}: FAIL (6 errors, 4 of them unreachable states folded into their cause)`,
    ]);
    expect(stdout).not.toContain('is not reachable');
  });

  it('a misspelt StartAt and Choice Default are suggested, and an orphan chain folds under its first state', async () => {
    const file = fixture('typo-start.yaml');
    const { code, stdout } = await cli('validate', file);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      `${file}:2:1: ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: validateorder (at /StartAt): ` +
        'did you mean "ValidateOrder"? (+2 states unreachable because of it: ValidateOrder, Ship)',
      `${file}:10:5: ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: Rejct (at /States/ValidateOrder/Default): ` +
        'did you mean "Reject"? (+1 state unreachable because of it: Reject)',
      `${file}:15:3: ERROR MISSING_TRANSITION_TARGET State "Legacy" is not reachable. (at /States/Legacy) ` +
        '(+1 state unreachable because of it: LegacyCleanup)',
      `${file}: FAIL (7 errors, 4 of them unreachable states folded into their cause)`,
    ]);
  });

  it('run folds its diagnostics the same way before refusing to run', async () => {
    const { code, stderr } = await cli('run', fixture('typo-next.json'));
    expect(code).toBe(2);
    expect(lines(stderr)).toHaveLength(2);
    expect(stderr).toContain('did you mean "ChargeCard"? (+4 states unreachable because of it');
  });
});

describe('the diagnostics behind the folding keep AWS shape', () => {
  const definition = {
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'Bee' },
      Be: { Type: 'Pass', Next: 'C' },
      C: { Type: 'Pass', End: true },
    },
  };

  it("AWS's diagnostics are all still there, in its order, with its codes, messages and locations", () => {
    const { result, diagnostics } = validate(definition);
    expect(result).toBe('FAIL');
    expect(diagnostics.map(({ code, message, location }) => ({ code, message, location }))).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: Bee", location: '/States/A/Next' },
      { code: 'MISSING_TRANSITION_TARGET', message: 'State "Be" is not reachable.', location: '/States/Be' },
      { code: 'MISSING_TRANSITION_TARGET', message: 'State "C" is not reachable.', location: '/States/C' },
    ]);
  });

  it('the suggestion and the cause are extra fields on them', () => {
    const { diagnostics } = validate(definition);
    expect(diagnostics[0]?.suggestion).toBe('Be');
    expect(diagnostics.slice(1).map((d) => d.causedBy)).toEqual(['/States/A/Next', '/States/A/Next']);
    const folded = foldDiagnostics(diagnostics);
    expect(folded).toHaveLength(1);
    expect(folded[0]?.folded.map((d) => d.location)).toEqual(['/States/Be', '/States/C']);
  });

  it('a cycle nothing enters is folded under its first state', () => {
    const { diagnostics } = validate({
      StartAt: 'A',
      States: {
        A: { Type: 'Succeed' },
        Ping: { Type: 'Wait', Seconds: 1, Next: 'Pong' },
        Pong: { Type: 'Wait', Seconds: 1, Next: 'Ping' },
      },
    });
    const folded = foldDiagnostics(diagnostics);
    expect(folded.map((f) => [f.diagnostic.location, f.folded.map((d) => d.location)])).toEqual([
      ['/States/Ping', ['/States/Pong']],
    ]);
  });

  it('works inside a Map ItemProcessor too', () => {
    const { diagnostics } = validate({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Fetch',
            States: {
              Fetch: { Type: 'Pass', Next: 'Stroe' },
              Store: { Type: 'Pass', Next: 'Log' },
              Log: { Type: 'Pass', End: true },
            },
          },
          End: true,
        },
      },
    });
    const [root, ...rest] = foldDiagnostics(diagnostics);
    expect(rest).toEqual([]);
    expect(root?.diagnostic).toMatchObject({
      location: '/States/M/ItemProcessor/States/Fetch/Next',
      suggestion: 'Store',
    });
    expect(root?.folded).toHaveLength(2);
  });
});

describe('nearestName', () => {
  const names = ['ValidateOrder', 'ChargeCard', 'Ship', 'Reject'];

  it('suggests the name one typo away: a letter missing, added, changed or two swapped', () => {
    expect(nearestName('ChargCard', names)).toBe('ChargeCard');
    expect(nearestName('ChargeCardd', names)).toBe('ChargeCard');
    expect(nearestName('ChargeCord', names)).toBe('ChargeCard');
    expect(nearestName('ChargeCrad', names)).toBe('ChargeCard');
    expect(nearestName('Shpi', names)).toBe('Ship');
  });

  it('suggests a name differing only in case', () => {
    expect(nearestName('validateorder', names)).toBe('ValidateOrder');
  });

  it('suggests nothing when no name is close', () => {
    expect(nearestName('Refund', names)).toBeUndefined();
    expect(nearestName('Sleep', names)).toBeUndefined();
    expect(nearestName('X', ['Y'])).toBeUndefined();
  });
});
