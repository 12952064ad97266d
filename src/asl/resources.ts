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

export const IntegrationPatterns = ['.sync', '.sync:2', '.waitForTaskToken'] as const;
export type IntegrationPattern = (typeof IntegrationPatterns)[number] | 'requestResponse';

export type ResourceArn =
  | { kind: 'integration'; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'aws-sdk'; service: string; action: string; pattern: IntegrationPattern }
  | { kind: 'lambda'; functionName: string }
  | { kind: 'activity'; name: string };

const PARTITION = 'aws(?:-[a-z]+)*';
const INTEGRATION = new RegExp(
  `^arn:${PARTITION}:states:::([a-z0-9-]+):([A-Za-z0-9]+)((?:\\.sync(?::2)?)|\\.waitForTaskToken)?$`,
);
const AWS_SDK = new RegExp(`^arn:${PARTITION}:states:::aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)(\\.waitForTaskToken)?$`);
const LAMBDA = new RegExp(
  `^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$`,
);
const ACTIVITY = new RegExp(`^arn:${PARTITION}:states:[a-z0-9-]+:\\d{12}:activity:([A-Za-z0-9_.-]+)$`);

/** Parses a Resource ARN AWS would recognise; undefined when it would not. */
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

function pattern(suffix: string | undefined): IntegrationPattern {
  return suffix === undefined ? 'requestResponse' : (suffix as IntegrationPattern);
}
