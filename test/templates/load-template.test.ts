/**
 * loadTemplateText: the YAML short forms, every intrinsic, parameters, conditions, mappings,
 * pseudo parameters, placeholders and the errors that name a logical id and a property path.
 * No server: what the library's `loadTemplate` gives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOverrides } from '../../src/cli/deploy.js';
import { loadTemplate, loadTemplateText, TemplateError, type LoadedTemplate } from '../../src/index.js';
import { removeDir, tempDir } from '../support/files.js';

function load(text: string, options: Parameters<typeof loadTemplateText>[2] = {}): LoadedTemplate {
  return loadTemplateText(text, '/project/template.yaml', options);
}

/** A template with one state machine whose inline definition is a Pass state with `result`. */
function passResult(result: string, head = ''): string {
  return `${head}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: jobs }
  Table:
    Type: AWS::DynamoDB::Table
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/r
      Definition:
        StartAt: P
        States:
          P:
            Type: Pass
            End: true
            Result:
${result
  .split('\n')
  .map((line) => `              ${line}`)
  .join('\n')}
`;
}

function resultOf(template: LoadedTemplate): unknown {
  const states = template.stateMachine('Machine').definition.States as Record<string, { Result?: unknown }>;
  return states.P?.Result;
}

function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
  throw new Error('expected a TemplateError');
}

describe('intrinsics in their YAML short forms', () => {
  it('resolves each of them', () => {
    const template = load(
      passResult(
        [
          'sub: !Sub "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::StackName}/${AWS::URLSuffix}"',
          'subVars: !Sub ["${a}-${Queue.Arn}-${!kept}", { a: !Ref Stage }]',
          'join: !Join [":", [a, !Ref Queue, !GetAtt Table.Arn]]',
          'select: !Select [1, !Split [",", "x,y,z"]]',
          'list: !Ref Zones',
          'base64: !Base64 hello',
          'if: !If [IsProd, prod, other]',
          'noValue: !If [IsProd, yes, !Ref AWS::NoValue]',
          'and: !If [Both, both, not-both]',
          'map: !FindInMap [Sizes, !Ref Stage, Memory]',
          'azs: !Select [0, !GetAZs ""]',
          'getAttList: !GetAtt [Queue, QueueName]',
          'json: !ToJsonString { a: 1 }',
        ].join('\n'),
        `Parameters:
  Stage: { Type: String, Default: dev }
  Zones: { Type: CommaDelimitedList, Default: "a, b" }
Mappings:
  Sizes:
    dev: { Memory: 128 }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Equals [dev, !Ref Stage]
  Both: !And [!Condition IsDev, !Not [!Condition IsProd]]
  Either: !Or [!Condition IsDev, !Condition IsProd]`,
      ),
      { region: 'eu-central-1', accountId: '111122223333', stackName: 'shop' },
    );
    expect(resultOf(template)).toEqual({
      sub: 'eu-central-1/111122223333/aws/shop/amazonaws.com',
      subVars: 'dev-arn:aws:sqs:eu-central-1:111122223333:jobs-${kept}',
      join: 'a:https://sqs.eu-central-1.amazonaws.com/111122223333/jobs:arn:aws:dynamodb:eu-central-1:111122223333:table/Table',
      select: 'y',
      list: ['a', 'b'],
      base64: 'aGVsbG8=',
      if: 'other',
      and: 'both',
      map: 128,
      azs: 'eu-central-1a',
      getAttList: 'jobs',
      json: '{"a":1}',
    });
    expect(template.placeholders.map((p) => p.logicalId).sort()).toEqual(['Queue', 'Table']);
  });

  it('takes the long forms of JSON templates, as cdk synth writes them', () => {
    const template = loadTemplateText(
      JSON.stringify({
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'python3.12', Handler: 'x.y' } },
          Machine: {
            Type: 'AWS::StepFunctions::StateMachine',
            DependsOn: ['Fn'],
            Metadata: { 'aws:cdk:path': 'Stack/Machine/Resource' },
            Properties: {
              RoleArn: 'arn:aws:iam::123456789012:role/r',
              DefinitionString: {
                'Fn::Join': [
                  '',
                  [
                    '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"',
                    { 'Fn::GetAtt': ['Fn', 'Arn'] },
                    '","End":true}}}',
                  ],
                ],
              },
            },
          },
        },
      }),
      '/project/cdk.out/Stack.template.json',
    );
    expect(template.stackName).toBe('Stack');
    const states = template.stateMachine('Machine').definition.States as Record<string, { Resource?: string }>;
    expect(states.T?.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:Fn');
    expect(template.skippedFunctions).toEqual([{ logicalId: 'Fn', reason: 'its runtime is python3.12, not Node.js' }]);
  });

  it('puts DefinitionSubstitutions into the definition text', () => {
    const template = load(`Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions: { Seconds: 5, Quoted: 'say "hi"' }
      Definition:
        StartAt: W
        States:
          W: { Type: Wait, Seconds: 1, Next: P }
          P: { Type: Pass, Result: { text: '\${Quoted}', untouched: '\${Other}' }, End: true }
`);
    const states = template.stateMachine('Machine').definition.States as Record<string, { Result?: unknown }>;
    expect(states.P?.Result).toEqual({ text: 'say "hi"', untouched: '${Other}' });
    expect(template.stateMachine('Machine').roleArn).toBe('arn:aws:iam::123456789012:role/MachineRole');
  });
});

describe('definition files', () => {
  it('reads DefinitionS3Location as a local YAML file, substitutions made in its text', async () => {
    const dir = tempDir('stepwise-template-');
    try {
      writeFileSync(
        join(dir, 'flow.asl.yaml'),
        'StartAt: Wait\nStates:\n  Wait: { Type: Wait, Seconds: ${Delay}, Next: Done }\n  Done: { Type: Pass, Result: "${Label}", End: true }\n',
      );
      writeFileSync(
        join(dir, 'template.yaml'),
        `Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/flow
      DefinitionS3Location: ./flow.asl.yaml
      DefinitionSubstitutions: { Delay: 3, Label: !Sub "\${AWS::StackName} done" }
`,
      );
      const template = await loadTemplate(join(dir, 'template.yaml'), { stackName: 'demo' });
      const machine = template.stateMachine('Flow');
      expect(machine.definitionFile).toBe(join(dir, 'flow.asl.yaml'));
      expect(machine.definition).toEqual({
        StartAt: 'Wait',
        States: {
          Wait: { Type: 'Wait', Seconds: 3, Next: 'Done' },
          Done: { Type: 'Pass', Result: 'demo done', End: true },
        },
      });
      expect(template.files).toEqual([join(dir, 'template.yaml'), join(dir, 'flow.asl.yaml')]);
    } finally {
      removeDir(dir);
    }
  });
});

describe('transforms', () => {
  it("reads SAM's natively and warns of a macro it does not apply", () => {
    const text = passResult('v: 1').replace(
      'Resources:',
      'Transform: [AWS::Serverless-2016-10-31, MyMacro]\nResources:',
    );
    expect(load(text).warnings).toEqual([
      'the Transform MyMacro is not applied: its resources are deployed as written',
    ]);
  });
});

describe('errors name the logical id and the property path', () => {
  it('an unknown Ref', () => {
    expect(failure(() => load(passResult('value: !Ref Nope')))).toMatch(
      /^\/project\/template\.yaml:\d+:\d+: Machine \(Properties\.Definition\.States\.P\.Result\.value\.Ref\): Ref Nope: the template has no parameter or resource Nope$/,
    );
  });

  it('an unknown mapping key', () => {
    expect(failure(() => load(passResult('value: !FindInMap [M, a, b]', 'Mappings:\n  M:\n    x: { b: 1 }')))).toMatch(
      /Machine \(Properties\.Definition\.States\.P\.Result\.value\.Fn::FindInMap\): Fn::FindInMap: mapping M has no a\.b/,
    );
  });

  it('a reference to a resource whose condition is false', () => {
    const text = `Conditions:
  Never: !Equals [a, b]
Resources:
  Topic: { Type: AWS::SNS::Topic, Condition: Never }
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: P, States: { P: { Type: Pass, Result: !Ref Topic, End: true } } }
`;
    expect(failure(() => load(text))).toMatch(
      /Machine \(.*Result\.Ref\): Topic is not created: its Condition is false/,
    );
  });

  it('Fn::ImportValue, which reads another stack', () => {
    expect(failure(() => load(passResult('value: !ImportValue shared-queue')))).toMatch(
      /Fn::ImportValue "shared-queue" reads another stack's export/,
    );
  });

  it('an unknown short-form tag, with its line', () => {
    expect(failure(() => load(passResult('value: !Nope x')))).toMatch(/^\/project\/template\.yaml:19:\d+: .*!Nope/);
  });

  it('a parameter value that is not allowed, and an override of no parameter', () => {
    const head = 'Parameters:\n  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }';
    expect(failure(() => load(passResult('v: 1', head), { parameters: { Stage: 'qa' } }))).toMatch(
      /parameter Stage: 'qa' is not one of the allowed values dev, prod/,
    );
    expect(failure(() => load(passResult('v: 1', head), { parameters: { Stag: 'dev' } }))).toMatch(
      /the template has no parameter Stag/,
    );
  });

  it('an S3 definition, which cannot be read here', () => {
    const text = `Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: { Bucket: b, Key: k }
`;
    expect(failure(() => load(text))).toMatch(
      /Machine \(Properties\.DefinitionUri\): DefinitionUri in S3 cannot be read here/,
    );
  });

  it('a JSON template that does not parse: line and column', () => {
    expect(failure(() => loadTemplateText('{\n  "Resources": {\n    "A": }\n}', '/p/t.json'))).toMatch(
      /^\/p\/t\.json:3:\d+: not valid JSON/,
    );
  });
});

describe('--parameter-overrides', () => {
  it('takes Key=Value, ParameterKey=K,ParameterValue=V and several pairs in one argument', () => {
    expect(parseOverrides(['A=1', 'ParameterKey=B,ParameterValue=x=y', 'C=3 D=four words'])).toEqual({
      A: '1',
      B: 'x=y',
      C: '3',
      D: 'four words',
    });
    expect(() => parseOverrides(['nonsense'])).toThrow(/expected Key=Value, not 'nonsense'/);
  });
});
