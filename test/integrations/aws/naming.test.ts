/** Service names, packages and endpoints of the AWS integrations (no network). */
import { describe, expect, it } from 'vitest';
import { javaServiceName } from '../../../src/integrations/aws/errors.js';
import {
  loadSdkModule,
  operationSchemas,
  packageNameFor,
  toSdkInput,
  commandClass,
} from '../../../src/integrations/aws/sdk.js';
import { awsSettingsFromEnv, endpointFor, regionOf } from '../../../src/integrations/aws/settings.js';

describe('AWS SDK integration naming', () => {
  it('error prefixes are the AWS SDK for Java 2.x service names', () => {
    expect(
      [
        'DynamoDB',
        'S3',
        'SQS',
        'SFN',
        'EventBridge',
        'ECS',
        'Lambda',
        'ACM PCA',
        'Secrets Manager',
        'CloudWatch Logs',
        'EC2',
        'API Gateway',
      ].map(javaServiceName),
    ).toEqual([
      'DynamoDb',
      'S3',
      'Sqs',
      'Sfn',
      'EventBridge',
      'Ecs',
      'Lambda',
      'AcmPca',
      'SecretsManager',
      'CloudWatchLogs',
      'Ec2',
      'ApiGateway',
    ]);
  });

  it('service names map to their client packages, aliases and dashed names included', () => {
    expect(packageNameFor('dynamodb')).toBe('@aws-sdk/client-dynamodb');
    expect(packageNameFor('events')).toBe('@aws-sdk/client-eventbridge');
    expect(packageNameFor('secretsmanager')).toBe('@aws-sdk/client-secrets-manager');
    expect(packageNameFor('kinesis')).toBe('@aws-sdk/client-kinesis');
  });

  it('parameters are matched to the SDK members case-insensitively while map keys stay as written', async () => {
    const ecs = await loadSdkModule('ecs');
    const RunTask = commandClass(ecs, 'runTask');
    expect(RunTask).toBeDefined();
    const { input } = operationSchemas(ecs, new (RunTask as new (i: object) => never)({}));
    expect(
      toSdkInput(
        {
          Cluster: 'c',
          Overrides: { ContainerOverrides: [{ Name: 'app', Environment: [{ Name: 'A', Value: '1' }] }] },
        },
        input,
      ),
    ).toEqual({
      cluster: 'c',
      overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'A', value: '1' }] }] },
    });
    const ddb = await loadSdkModule('dynamodb');
    const PutItem = commandClass(ddb, 'putItem') as new (i: object) => never;
    const schemas = operationSchemas(ddb, new PutItem({}));
    expect(toSdkInput({ TableName: 't', Item: { Name: { S: 'x' }, flag: { Bool: true } } }, schemas.input)).toEqual({
      TableName: 't',
      Item: { Name: { S: 'x' }, flag: { BOOL: true } },
    });
  });

  it('endpoints come from STEPWISE_ENDPOINT_<SERVICE>, then STEPWISE_AWS_ENDPOINT; the region from the execution ARN', () => {
    const settings = awsSettingsFromEnv({
      STEPWISE_AWS_ENDPOINT: 'http://all',
      STEPWISE_ENDPOINT_DYNAMODB: 'http://ddb',
      STEPWISE_ENDPOINT_EVENTBRIDGE: 'http://eb',
    });
    expect(endpointFor(settings, ['dynamodb'])).toBe('http://ddb');
    expect(endpointFor(settings, ['events', 'eventbridge'])).toBe('http://eb');
    expect(endpointFor(settings, ['s3'])).toBe('http://all');
    expect(regionOf('arn:aws:states:eu-west-2:123456789012:execution:m:e')).toBe('eu-west-2');
  });
});
