/**
 * `stepwise deploy` on real template shapes (SAM's stock trader starter, a `cdk synth` output, plain
 * CloudFormation with !Sub, SAM with an inline definition): each deployed into a real server
 * started in this process, then run through the SDK, the Tasks calling the template's own Node.js
 * function code. The stock trader's DynamoDB step writes to dynalite.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeActivityCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, deployCommand } from '../../src/cli/deploy.js';
import { runCli } from '../../src/cli/program.js';
import type { CliIO } from '../../src/cli/common.js';
import { loadTemplate } from '../../src/index.js';
import { eventually } from '../support/async.js';
import { finished, sfnClient, startExecution } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';
import { startDynalite, type Running } from '../integrations/aws/servers.js';

const templates = fileURLToPath(new URL('.', import.meta.url));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
delete process.env.AWS_PROFILE;

let dynamo: Running;
let server: TestServer;
let functionsDir: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { io: CliIO; out: Outcome } {
  const out: Outcome = { code: -1, stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: (text) => void (out.stdout += text),
      stderr: (text) => void (out.stderr += text),
    },
  };
}

async function deploy(template: string, extra: { overrides?: string[]; endpoint?: string } = {}): Promise<Outcome> {
  const { io, out } = capture();
  out.code = await deployCommand(
    template,
    {
      endpointUrl: extra.endpoint ?? server.url,
      functionsDir,
      ...(extra.overrides ? { parameterOverrides: extra.overrides } : {}),
    },
    io,
  );
  return out;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  functionsDir = tempDir('stepwise-deploy-functions-');
  server = await startTestServer({ functionsDir, aws: { endpoint: dynamo.url }, waitTimeScale: 0 });
});

afterAll(async () => {
  await server?.close();
  await dynamo?.close();
  if (functionsDir) removeDir(functionsDir);
});

describe('SAM stock trader starter (DefinitionUri, DefinitionSubstitutions, Serverless::Function)', () => {
  const template = join(templates, 'sam-stock-trader/template.yaml');
  const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:StockTradingStateMachine';

  it('deploys, runs the real functions and writes the transaction to DynamoDB', async () => {
    const ddb = new DynamoDBClient({ endpoint: dynamo.url, region: 'us-east-1', credentials });
    await ddb.send(
      new CreateTableCommand({
        TableName: 'TransactionTable',
        KeySchema: [{ AttributeName: 'Id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'Id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const first = await deploy(template);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`created state machine StockTradingStateMachine: ${arn}`);
    for (const fn of ['StockCheckerFunction', 'StockSellerFunction', 'StockBuyerFunction'])
      expect(first.stdout).toContain(`created function ${fn}:`);
    expect(first.stderr).toMatch(
      /warning: not deployed, referenced .*TransactionTable \(AWS::Serverless::SimpleTable\)/,
    );
    // The Outputs, SAM's generated role included.
    expect(first.stdout).toContain(`output StockTradingStateMachineArn: ${arn}\n`);
    expect(first.stdout).toContain(
      'output StockTradingStateMachineRoleArn: arn:aws:iam::123456789012:role/StockTradingStateMachineRole\n',
    );

    const run = await finished<Record<string, unknown>>(
      server.client,
      await startExecution(server.client, arn, { stock_price: 42 }),
    );
    expect(run.status).toBe('SUCCEEDED');
    const scanned = await ddb.send(new ScanCommand({ TableName: 'TransactionTable' }));
    expect(scanned.Items).toHaveLength(1);
    expect(scanned.Items?.[0]?.Type?.S).toBe('buy');
    expect(scanned.Items?.[0]?.Price?.N).toBe('42');
    // The buyer saw its Environment.Variables (its own and Globals'): its result is the task's output.
    const bought = run.history.find(
      (e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'Buy Stock',
    );
    expect(JSON.parse(bought?.stateExitedEventDetails?.output ?? '{}')).toMatchObject({
      type: 'buy',
      table: 'TransactionTable',
      log_level: 'info',
    });
    ddb.destroy();
  });

  it('changes nothing when deployed again', async () => {
    const again = await deploy(template);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^(created|updated|replaced) /m);
    expect(again.stdout).toMatch(/: 4 unchanged\n$/);
  });

  it('is available to the library by logical id', async () => {
    const loaded = await loadTemplate(template);
    const machine = loaded.stateMachine('StockTradingStateMachine');
    const states = machine.definition.States as Record<string, { Resource?: string }>;
    expect(states['Check Stock Value']?.Resource).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:StockCheckerFunction',
    );
    expect(states['Record Transaction']?.Resource).toBe('arn:aws:states:::dynamodb:putItem');
    expect(loaded.functions.map((fn) => fn.logicalId)).toEqual([
      'StockCheckerFunction',
      'StockSellerFunction',
      'StockBuyerFunction',
    ]);
  });
});

describe('CDK synth output (Fn::Join DefinitionString, asset code, DependsOn, Metadata)', () => {
  const template = join(templates, 'cdk/cdk.out/StepwiseCdkStack.template.json');

  it('deploys and runs the bundled asset through lambda:invoke', async () => {
    const out = await deploy(template);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('created state machine GreetingFlow0A1B2C3D');
    expect(out.stdout).toContain('created function Greeter5E6F7A8B');
    expect(out.stderr).toMatch(/GreetingsQueue9C8D7E6F \(AWS::SQS::Queue\)/);
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:GreetingFlow0A1B2C3D';
    const run = await finished(server.client, await startExecution(server.client, arn, { name: 'Ada' }));
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({
      greeting: 'Bonjour, Ada!',
      from: 'us-east-1',
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/GreetingsQueue9C8D7E6F',
      queueArn: 'arn:aws:sqs:us-east-1:123456789012:GreetingsQueue9C8D7E6F',
    });
    const described = await server.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described.tracingConfiguration?.enabled).toBe(true);
    expect(described.roleArn).toBe('arn:aws:iam::123456789012:role/GreetingFlowRoleB1C2D3E4');
  });
});

describe('plain CloudFormation (!Sub DefinitionString, Parameters, Mappings, Conditions)', () => {
  const template = join(templates, 'cfn-sub/template.yaml');

  it('takes parameter overrides, and resolves mappings and conditions from them', async () => {
    const out = await deploy(template, { overrides: ['Stage=prod Discount=25'] });
    expect(out.code).toBe(0);
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:template-pricing-prod';
    expect(out.stdout).toContain(`created state machine PricingStateMachine: ${arn}`);
    const run = await finished(
      server.client,
      await startExecution(server.client, arn, { item: 'lamp', listPrice: 40 }),
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toEqual({
      quote: { item: 'lamp', price: 30, currency: 'USD' },
      auditQueue: 'https://sqs.us-east-1.amazonaws.com/123456789012/template-audit-prod',
      auditQueueArn: 'arn:aws:sqs:us-east-1:123456789012:template-audit-prod',
      topic: 'arn:aws:sns:us-east-1:123456789012:ProdOnlyTopic',
      literal: '${NotSubstituted}',
    });
    const { tags } = await server.client.send(new ListTagsForResourceCommand({ resourceArn: arn }));
    expect(tags).toEqual(
      expect.arrayContaining([
        { key: 'stage', value: 'prod' },
        { key: 'team', value: 'pricing' },
      ]),
    );
  });

  it('leaves out a resource whose condition is false (dev: no topic)', async () => {
    const loaded = await loadTemplate(template, { parameters: { Stage: 'dev' } });
    const notify = (loaded.stateMachine('PricingStateMachine').definition.States as Record<string, unknown>).Notify as {
      Parameters: Record<string, unknown>;
    };
    expect(notify.Parameters.topic).toBe('none');
    expect(loaded.stateMachines[0]?.name).toBe('template-pricing-dev');
  });
});

describe('SAM with an inline Definition (Express, Logging, Tracing, Tags, an Activity)', () => {
  const template = join(templates, 'sam-inline/template.yaml');

  it('deploys the activity and the Express machine, which runs the function', async () => {
    const out = await deploy(template);
    expect(out.code).toBe(0);
    const activityArn = 'arn:aws:states:us-east-1:123456789012:activity:test-approval';
    expect(out.stdout).toContain(`created activity ApprovalActivity: ${activityArn}`);
    const described = await server.client.send(new DescribeActivityCommand({ activityArn }));
    expect(described.name).toBe('test-approval');

    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
    const machine = await server.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(machine.type).toBe('EXPRESS');
    expect(machine.loggingConfiguration).toMatchObject({ level: 'ALL', includeExecutionData: true });
    expect(machine.tracingConfiguration?.enabled).toBe(true);

    const answer = await server.client.send(
      new StartSyncExecutionCommand({
        stateMachineArn: arn,
        input: JSON.stringify({ id: 'o-1', lines: [{ quantity: 2, price: 5 }] }),
      }),
    );
    expect(answer.status).toBe('SUCCEEDED');
    expect(JSON.parse(answer.output ?? 'null')).toEqual({
      order: { id: 'o-1', total: 10 },
      approvals: activityArn,
      region: 'us-east-1',
    });
  });
});

describe('updates', () => {
  it('updates what changed, replaces a machine whose type changed, and redeploys on save with --watch', async () => {
    const dir = tempDir('stepwise-deploy-update-');
    try {
      cpSync(join(templates, 'sam-inline'), dir, { recursive: true });
      const template = join(dir, 'template.yaml');
      const original = readFileSync(template, 'utf8');
      const overrides = ['Environment=staging'];
      expect((await deploy(template, { overrides })).code).toBe(0);

      writeFileSync(template, original.replace('app: orders', 'app: orders-v2'));
      const tagged = await deploy(template, { overrides });
      expect(tagged.stdout).toContain('updated state machine OrdersStateMachine');
      expect(tagged.stdout).toContain('unchanged activity ApprovalActivity');

      writeFileSync(template, original.replace('Type: EXPRESS', 'Type: STANDARD'));
      const replaced = await deploy(template, { overrides });
      expect(replaced.stdout).toContain('replaced state machine OrdersStateMachine');

      const { io, out } = capture();
      const controller = new AbortController();
      const watching = deployCommand(
        template,
        { endpointUrl: server.url, functionsDir, parameterOverrides: overrides, watch: true },
        io,
        controller.signal,
      );
      await eventually(async () => (out.stdout.includes('watching') ? true : undefined), 'the watch to start');
      writeFileSync(
        template,
        original
          .replace('Type: EXPRESS', 'Type: STANDARD')
          .replace('Done:', 'Finished:')
          .replace('Default: Done', 'Default: Finished'),
      );
      await eventually(
        async () => (out.stdout.includes('updated state machine OrdersStateMachine') ? true : undefined),
        'the redeploy on save',
        15_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${out.stdout} ${out.stderr}`);
      });
      controller.abort();
      expect(await watching).toBe(0);
      const machine = await server.client.send(
        new DescribeStateMachineCommand({
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
        }),
      );
      expect(machine.definition).toContain('"Finished"');
    } finally {
      removeDir(dir);
    }
  }, 30_000);
});

describe('bad input: exit 2, one plain line each, nothing deployed', () => {
  async function machineCount(): Promise<number> {
    const { stateMachines = [] } = await server.client.send(new ListStateMachinesCommand({}));
    return stateMachines.length;
  }

  async function badTemplate(text: string, extraFiles: Record<string, string> = {}): Promise<Outcome> {
    const dir = tempDir('stepwise-deploy-bad-');
    try {
      for (const [name, content] of Object.entries(extraFiles)) writeFileSync(join(dir, name), content);
      writeFileSync(join(dir, 'template.yaml'), text);
      const before = await machineCount();
      const shimsBefore = readdirSync(functionsDir).length;
      const out = await deploy(join(dir, 'template.yaml'));
      expect(await machineCount()).toBe(before);
      expect(readdirSync(functionsDir).length).toBe(shimsBefore);
      expect(out.code).toBe(2);
      expect(out.stdout).toBe('');
      return out;
    } finally {
      removeDir(dir);
    }
  }

  const fnAndMachine = (definition: string) => `Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: ., Handler: fn.handler, Runtime: nodejs20.x, FunctionName: bad-input-fn }
  Good:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: { StartAt: A, States: { A: { Type: Task, Resource: !GetAtt Fn.Arn, End: true } } }
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/r
${definition}
`;

  it('a template that does not parse: file, line and column', async () => {
    const out = await badTemplate('Resources:\n  A:\n    Type: [unclosed\n');
    expect(out.stderr).toMatch(/^stepwise: .*template\.yaml:\d+:\d+: not valid YAML: .+\n$/);
  });

  it('an intrinsic that cannot be resolved: the logical id and the property path', async () => {
    const out = await badTemplate(
      fnAndMachine(
        '      DefinitionString: !Sub \'{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"${Missing.Arn}","End":true}}}\'',
      ),
      { 'fn.mjs': 'export const handler = async () => 1;\n' },
    );
    expect(out.stderr).toMatch(
      /^stepwise: .*template\.yaml:13:\d+: Machine \(Properties\.DefinitionString\.Fn::Sub\): Fn::GetAtt Missing\.Arn: the template has no resource Missing\n$/,
    );
  });

  it('a definition that fails validation: the file, the logical id and the diagnostic', async () => {
    const out = await badTemplate(
      fnAndMachine('      Definition: { StartAt: A, States: { A: { Type: Pass, Next: Nowhere } } }'),
      { 'fn.mjs': 'export const handler = async () => 1;\n' },
    );
    // One line per diagnostic (this definition has two).
    const lines = out.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^stepwise: .*template\.yaml: Machine: [A-Z_]+ \S/);
    expect(lines[0]).toMatch(
      /^stepwise: .*template\.yaml: Machine: MISSING_TRANSITION_TARGET .*Nowhere at \/States\/A\/Next$/,
    );
  });

  it('what the server would refuse (a role that is not a role ARN), before anything is created', async () => {
    const out = await badTemplate(
      fnAndMachine('      Definition: { StartAt: A, States: { A: { Type: Succeed } } }').replace(
        'RoleArn: arn:aws:iam::123456789012:role/r',
        'RoleArn: my-role',
      ),
      { 'fn.mjs': 'export const handler = async () => 1;\n' },
    );
    expect(out.stderr).toMatch(/^stepwise: .*template\.yaml: Machine: 'my-role' is not an IAM role ARN\n$/);
  });

  it('a missing parameter value, and an unknown override', async () => {
    const text = 'Parameters:\n  Stage: { Type: String }\nResources:\n  Q: { Type: AWS::SQS::Queue }\n';
    expect((await badTemplate(text)).stderr).toMatch(/no value for parameter Stage .*--parameter-overrides Stage=/);
  });
});

describe('a server in another region', () => {
  it('gives the ARNs of the server it deploys to', async () => {
    const other = await startTestServer({ functionsDir, region: 'eu-west-1', accountId: '210987654321' });
    try {
      const template = join(templates, 'cdk/cdk.out/StepwiseCdkStack.template.json');
      const out = await deploy(template, { endpoint: other.url });
      expect(out.code).toBe(0);
      const arn = 'arn:aws:states:eu-west-1:210987654321:stateMachine:GreetingFlow0A1B2C3D';
      expect(out.stdout).toContain(`created state machine GreetingFlow0A1B2C3D: ${arn}`);
      const run = await finished(other.client, await startExecution(other.client, arn, { name: 'Grace' }));
      expect(run.output).toMatchObject({ greeting: 'Bonjour, Grace!', from: 'eu-west-1' });
      expect((await deploy(template, { endpoint: other.url })).stdout).toMatch(/: 2 unchanged\n$/);
    } finally {
      await other.close();
    }
  });
});

describe('--serve: a server in this process', () => {
  it('deploys into it and serves until stopped', async () => {
    const dataDir = tempDir('stepwise-deploy-serve-');
    const ownFunctions = tempDir('stepwise-deploy-serve-functions-');
    const { io, out } = capture();
    const controller = new AbortController();
    const running = deployCommand(
      join(templates, 'cfn-sub/template.yaml'),
      { endpointUrl: DEFAULT_ENDPOINT, functionsDir: ownFunctions, serve: true, port: '0', dataDir },
      io,
      controller.signal,
    );
    try {
      const url = await eventually(
        async () => /serving the Step Functions API at (\S+)/.exec(out.stdout)?.[1],
        'the server to start',
      );
      await eventually(async () => (out.stdout.includes(': 2 created') ? true : undefined), 'the deploy', 10_000).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}: ${out.stdout} ${out.stderr}`);
        },
      );
      const client = sfnClient(url);
      const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:template-pricing-dev';
      const run = await finished(client, await startExecution(client, arn, { item: 'cup', listPrice: 10 }));
      expect(run.output).toMatchObject({ quote: { item: 'cup', price: 9, currency: 'EUR' } });
      client.destroy();
    } finally {
      controller.abort();
      expect(await running, out.stderr).toBe(0);
      removeDir(dataDir);
      removeDir(ownFunctions);
    }
  }, 20_000);
});

describe('the stepwise command line', () => {
  it('says in one line that no server answers, exit code 2', async () => {
    const { io, out } = capture();
    const port = await freePort();
    const code = await runCli(
      ['deploy', join(templates, 'cfn-sub/template.yaml'), '--endpoint-url', `http://127.0.0.1:${port}`],
      io,
    );
    expect(code).toBe(2);
    expect(out.stderr).toBe(
      `stepwise: cannot reach Step Functions at http://127.0.0.1:${port}: is stepwise serve running?\n`,
    );
  });
});

describe('a TypeScript handler', () => {
  it('runs through a .mts shim', async () => {
    const dir = tempDir('stepwise-deploy-ts-');
    try {
      cpSync(join(templates, 'sam-inline'), dir, { recursive: true });
      writeFileSync(
        join(dir, 'template.yaml'),
        `Transform: AWS::Serverless-2016-10-31
Resources:
  Shout:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: shout-ts, CodeUri: src/, Handler: shout.handler, Runtime: nodejs20.x }
  ShoutMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: shout
      Definition: { StartAt: S, States: { S: { Type: Task, Resource: !GetAtt Shout.Arn, End: true } } }
`,
      );
      writeFileSync(
        join(dir, 'src/shout.ts'),
        'interface Event { text: string }\nexport const handler = async (event: Event): Promise<string> => event.text.toUpperCase();\n',
      );
      const out = await deploy(join(dir, 'template.yaml'));
      expect(out.code, out.stderr).toBe(0);
      expect(readdirSync(functionsDir)).toContain('shout-ts.mts');
      const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:shout';
      const run = await finished(server.client, await startExecution(server.client, arn, { text: 'hey' }));
      expect(run.output, run.cause).toBe('HEY');
    } finally {
      removeDir(dir);
    }
  });
});

describe('inline function code', () => {
  it('runs Code.ZipFile (CDK Code.fromInline) and SAM InlineCode', async () => {
    const dir = tempDir('stepwise-deploy-inline-');
    try {
      writeFileSync(
        join(dir, 'template.yaml'),
        `Transform: AWS::Serverless-2016-10-31
Resources:
  Adder:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.add
      Environment: { Variables: { STEP: "2" } }
      Code:
        ZipFile: |
          exports.add = async (event) => ({ n: event.n + Number(process.env.STEP) });
  Doubler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (event) => ({ n: event.n * 2 });
  Maths:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/maths
      Definition:
        StartAt: Add
        States:
          Add: { Type: Task, Resource: !GetAtt Adder.Arn, Next: Double }
          Double: { Type: Task, Resource: !GetAtt Doubler.Arn, End: true }
`,
      );
      const out = await deploy(join(dir, 'template.yaml'));
      expect(out.code, out.stderr).toBe(0);
      expect(readdirSync(functionsDir)).toEqual(expect.arrayContaining(['Adder.cjs', 'Doubler.cjs']));
      const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:Maths';
      const run = await finished(server.client, await startExecution(server.client, arn, { n: 1 }));
      expect(run.output, run.cause).toEqual({ n: 6 });
      expect((await deploy(join(dir, 'template.yaml'))).stdout).toMatch(/: 3 unchanged\n$/);
    } finally {
      removeDir(dir);
    }
  });
});

describe('code in the functions folder itself', () => {
  it('stays unchanged on a second deploy (the shims are not part of the code stamp)', async () => {
    const dir = tempDir('stepwise-deploy-same-folder-');
    try {
      const folder = join(dir, 'functions');
      cpSync(join(templates, 'sam-inline/src'), folder, { recursive: true });
      writeFileSync(
        join(dir, 'template.yaml'),
        `Resources:
  Validate:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: validate-here, CodeUri: functions/, Handler: orders.validate, Runtime: nodejs20.x }
`,
      );
      const options = { endpointUrl: server.url, functionsDir: folder };
      const first = capture();
      expect(await deployCommand(join(dir, 'template.yaml'), options, first.io)).toBe(0);
      expect(first.out.stdout).toMatch(/: 1 created\n$/);
      const second = capture();
      expect(await deployCommand(join(dir, 'template.yaml'), options, second.io)).toBe(0);
      expect(second.out.stdout).toMatch(/: 1 unchanged\n$/);
    } finally {
      removeDir(dir);
    }
  });
});
