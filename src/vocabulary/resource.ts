/** Task Resource ARNs: the forms AWS accepts and the optimised integrations it knows. */

/** Optimised service integrations (`arn:aws:states:::<service>:<action>`) and their actions. */
export const OptimisedIntegrations = {
  lambda: ['invoke'],
  sns: ['publish'],
  sqs: ['sendMessage'],
  dynamodb: ['getItem', 'putItem', 'updateItem', 'deleteItem'],
  states: ['startExecution'],
  ecs: ['runTask'],
  batch: ['submitJob'],
  glue: ['startJobRun'],
  databrew: ['startJobRun'],
  events: ['putEvents'],
  apigateway: ['invoke'],
  http: ['invoke'],
  athena: ['startQueryExecution', 'stopQueryExecution', 'getQueryExecution', 'getQueryResults'],
  codebuild: [
    'startBuild',
    'stopBuild',
    'batchDeleteBuilds',
    'batchGetReports',
    'startBuildBatch',
    'stopBuildBatch',
    'retryBuild',
    'retryBuildBatch',
    'deleteBuildBatch',
  ],
  eks: [
    'createCluster',
    'deleteCluster',
    'createFargateProfile',
    'deleteFargateProfile',
    'createNodegroup',
    'deleteNodegroup',
    'runJob',
    'call',
  ],
  elasticmapreduce: [
    'createCluster',
    'terminateCluster',
    'addStep',
    'cancelStep',
    'setClusterTerminationProtection',
    'modifyInstanceFleetByName',
    'modifyInstanceGroupByName',
  ],
  'emr-containers': ['startJobRun', 'createVirtualCluster', 'deleteVirtualCluster'],
  'emr-serverless': [
    'createApplication',
    'startApplication',
    'stopApplication',
    'deleteApplication',
    'startJobRun',
    'cancelJobRun',
  ],
  sagemaker: [
    'createTrainingJob',
    'createTransformJob',
    'createProcessingJob',
    'createHyperParameterTuningJob',
    'createLabelingJob',
    'createModel',
    'createEndpoint',
    'createEndpointConfig',
    'updateEndpoint',
  ],
  bedrock: ['invokeModel', 'createModelCustomizationJob'],
  mediaconvert: ['createJob'],
} as const satisfies Record<string, readonly string[]>;

export type ResourceArn =
  | { kind: 'integration'; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'aws-sdk'; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'lambda'; functionName: string }
  | { kind: 'activity'; name: string };

const PARTITION = 'aws(?:-[a-z]+)*';
const INTEGRATION = new RegExp(
  `^arn:${PARTITION}:states:::([a-z0-9-]+):([A-Za-z0-9]+)((?:\\.sync(?::2)?)|\\.waitForTaskToken)?$`,
);
/** AWS also accepts a region and account in an aws-sdk ARN (deployed machines have them). */
const AWS_SDK = new RegExp(
  `^arn:${PARTITION}:states:(?:::|[a-z0-9-]+:\\d{12}:)aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)(\\.waitForTaskToken)?$`,
);
const LAMBDA = new RegExp(
  `^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$`,
);
const ACTIVITY = new RegExp(`^arn:${PARTITION}:states:[a-z0-9-]+:\\d{12}:activity:([A-Za-z0-9_.-]+)$`);

/**
 * The validator's strict reading: a Resource ARN AWS would recognise at CreateStateMachine, or
 * undefined when it would not (an optimised integration must name an action AWS lists).
 */
export function parseResourceArn(resource: string): ResourceArn | undefined {
  const sdk = AWS_SDK.exec(resource);
  if (sdk) return { kind: 'aws-sdk', service: sdk[1], action: sdk[2], pattern: pattern(sdk[3]) };
  const integration = INTEGRATION.exec(resource);
  if (integration) {
    const [, service, action, suffix] = integration;
    const actions = (OptimisedIntegrations as Record<string, readonly string[]>)[service];
    if (!actions?.includes(action)) return undefined;
    return { kind: 'integration', service, action, pattern: pattern(suffix) };
  }
  const lambda = LAMBDA.exec(resource);
  if (lambda) return { kind: 'lambda', functionName: lambda[1] };
  const activity = ACTIVITY.exec(resource);
  if (activity) return { kind: 'activity', name: activity[1] };
  return undefined;
}

/** The pattern a resource's suffix names: `.sync`, `.sync:2`, `.waitForTaskToken`, or none. */
function pattern(suffix: string | undefined): IntegrationPattern {
  return splitPattern(suffix ?? '').pattern;
}

/**
 * The runtime's reading, lenient (a definition has passed the validator by then), parsed once:
 *   arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]   legacy Lambda
 *   arn:aws:states:<region>:<account>:activity:<name>                 activity
 *   arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]   optimized integration
 *   arn:aws:states:[<region>:<account>]:aws-sdk:<service>:<action>[...]   AWS SDK integration
 */
export type IntegrationPattern = 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';

export type ParsedResource =
  | {
      kind: 'lambda-function';
      partition: string;
      region: string;
      account: string;
      functionName: string;
      qualifier?: string;
    }
  | { kind: 'activity'; arn: string; name: string }
  | { kind: 'service'; partition: string; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'aws-sdk'; partition: string; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'other'; resource: string };

export function parseResource(resource: string): ParsedResource {
  const parts = resource.split(':');
  const [arn, partition = 'aws', service, region = '', account = ''] = parts;
  if (arn !== 'arn') return { kind: 'other', resource };
  if (service === 'lambda' && parts[5] === 'function' && parts[6]) {
    return {
      kind: 'lambda-function',
      partition,
      region,
      account,
      functionName: parts[6],
      ...(parts[7] ? { qualifier: parts[7] } : {}),
    };
  }
  if (service !== 'states') return { kind: 'other', resource };
  if (parts[5] === 'activity' && parts[6]) return { kind: 'activity', arn: resource, name: parts[6] };
  if (parts[5] === 'aws-sdk' && parts.length >= 8) {
    const { action, pattern } = splitPattern(parts.slice(7).join(':'));
    return { kind: 'aws-sdk', partition, service: parts[6] as string, action, pattern };
  }
  if (region !== '' || account !== '' || parts.length < 7) return { kind: 'other', resource };
  const { action, pattern } = splitPattern(parts.slice(6).join(':'));
  return { kind: 'service', partition, service: parts[5] as string, action, pattern };
}

function splitPattern(text: string): { action: string; pattern: IntegrationPattern } {
  if (text.endsWith('.waitForTaskToken'))
    return { action: text.slice(0, -'.waitForTaskToken'.length), pattern: 'waitForTaskToken' };
  if (text.endsWith('.sync:2')) return { action: text.slice(0, -'.sync:2'.length), pattern: 'sync:2' };
  if (text.endsWith('.sync')) return { action: text.slice(0, -'.sync'.length), pattern: 'sync' };
  return { action: text, pattern: 'request-response' };
}
