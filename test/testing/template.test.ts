/**
 * Tests may name a state machine of a SAM, CloudFormation or CDK template by logical id, in a test
 * file (`template:`) and in the library (`fromTemplate`): the definition is the one `stepwise
 * deploy` would create, parameters and substitutions resolved.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromTemplate, runWorkflow } from '../../src/testing/index.js';
import { runTestFile } from '../../src/testing/runner.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const template = fileURLToPath(new URL('../templates/cfn-sub/template.yaml', import.meta.url));

describe('a template state machine in a test file', () => {
  it('runs the definition the template resolves to, with its parameters', async () => {
    const result = await runTestFile(fixture('template.sfn-test.yaml'));
    expect(result.error).toBeUndefined();
    expect(result.stateMachine).toMatch(/cfn-sub\/template\.yaml#PricingStateMachine$/);
    expect(result.tests.map((t) => [t.name, t.failures])).toEqual([
      ["the prod stage quotes once and notifies with the template's substitutions", []],
    ]);
  });

  it('a logical id the template lacks names the state machines it has', async () => {
    const result = await runTestFile(fixture('template-ghost.sfn-test.yaml'));
    expect(result.error).toMatch(
      /template \.\.\/\.\.\/templates\/cfn-sub\/template\.yaml#NoSuchMachine: .*has no state machine 'NoSuchMachine' \(its state machines: PricingStateMachine\)$/,
    );
  });
});

describe('fromTemplate in the library', () => {
  it('runs a template state machine with mocks, and the Mapping the parameter picks', async () => {
    const run = await runWorkflow(fromTemplate(template, 'PricingStateMachine', { Stage: 'dev' }), {
      input: { sku: 'A-1' },
      mocks: { Quote: { return: { price: 12 } } },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['Quote', 'Notify']);
    expect(run.output).toMatchObject({ quote: { price: 12 }, topic: 'none' });
  });
});
