/**
 * What a resource's Ref and Fn::GetAtt give when it is not really deployed: a name and an ARN of
 * the shape the service gives (`arn:aws:sqs:<region>:<account>:<name>`, DynamoDB's `table/<name>`,
 * a queue's URL for its Ref...). Its name is its name property when it has one (QueueName,
 * TableName...), else its logical id (lower case where the service wants it, as for S3 buckets).
 */
import type { Json } from '../json.js';

export interface Home {
  partition: string;
  region: string;
  account: string;
  urlSuffix: string;
}

interface Shape {
  /** The property that names the resource. */
  nameProperty?: string;
  /** What Ref gives: its name, its ARN, or (a queue) its URL. */
  ref: 'name' | 'arn' | 'url' | 'id';
  arn(home: Home, name: string): string;
  attributes?: Record<string, (home: Home, name: string) => Json>;
  lowerCase?: boolean;
}

const arnOf =
  (service: string, resource: (name: string) => string, regional = true) =>
  (home: Home, name: string) =>
    `arn:${home.partition}:${service}:${regional ? home.region : ''}:${service === 's3' ? '' : home.account}:${resource(name)}`;

const lambdaShape: Shape = {
  nameProperty: 'FunctionName',
  ref: 'name',
  arn: arnOf('lambda', (name) => `function:${name}`),
};

const tableShape: Shape = {
  nameProperty: 'TableName',
  ref: 'name',
  arn: arnOf('dynamodb', (name) => `table/${name}`),
  attributes: {
    StreamArn: (home, name) =>
      `arn:${home.partition}:dynamodb:${home.region}:${home.account}:table/${name}/stream/1970-01-01T00:00:00.000`,
  },
};

const SHAPES: Record<string, Shape> = {
  'AWS::Lambda::Function': lambdaShape,
  'AWS::Serverless::Function': lambdaShape,
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    ref: 'arn',
    arn: arnOf('states', (name) => `stateMachine:${name}`),
  },
  'AWS::Serverless::StateMachine': {
    nameProperty: 'Name',
    ref: 'arn',
    arn: arnOf('states', (name) => `stateMachine:${name}`),
  },
  'AWS::StepFunctions::Activity': {
    nameProperty: 'Name',
    ref: 'arn',
    arn: arnOf('states', (name) => `activity:${name}`),
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    ref: 'url',
    arn: arnOf('sqs', (name) => name),
    attributes: {
      QueueName: (_home, name) => name,
      QueueUrl: (home, name) => `https://sqs.${home.region}.${home.urlSuffix}/${home.account}/${name}`,
    },
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    ref: 'arn',
    arn: arnOf('sns', (name) => name),
    attributes: { TopicName: (_home, name) => name },
  },
  'AWS::DynamoDB::Table': tableShape,
  'AWS::DynamoDB::GlobalTable': tableShape,
  'AWS::Serverless::SimpleTable': tableShape,
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    ref: 'name',
    lowerCase: true,
    arn: arnOf('s3', (name) => name, false),
    attributes: {
      DomainName: (home, name) => `${name}.s3.${home.urlSuffix}`,
      RegionalDomainName: (home, name) => `${name}.s3.${home.region}.${home.urlSuffix}`,
    },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    ref: 'name',
    arn: arnOf('iam', (name) => `role/${name}`, false),
    attributes: {
      RoleId: (_home, name) =>
        `AROA${name
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 17)}`,
    },
  },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    ref: 'name',
    arn: arnOf('events', (name) => `event-bus/${name}`),
  },
  'AWS::Events::Rule': { nameProperty: 'Name', ref: 'name', arn: arnOf('events', (name) => `rule/${name}`) },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    ref: 'name',
    arn: arnOf('logs', (name) => `log-group:${name}:*`),
  },
  'AWS::ECS::Cluster': { nameProperty: 'ClusterName', ref: 'name', arn: arnOf('ecs', (name) => `cluster/${name}`) },
  'AWS::ECS::TaskDefinition': {
    nameProperty: 'Family',
    ref: 'arn',
    arn: arnOf('ecs', (name) => `task-definition/${name}:1`),
  },
  'AWS::Kinesis::Stream': { nameProperty: 'Name', ref: 'name', arn: arnOf('kinesis', (name) => `stream/${name}`) },
  'AWS::SecretsManager::Secret': {
    nameProperty: 'Name',
    ref: 'arn',
    arn: arnOf('secretsmanager', (name) => `secret:${name}`),
  },
  'AWS::SSM::Parameter': { nameProperty: 'Name', ref: 'name', arn: arnOf('ssm', (name) => `parameter/${name}`) },
  'AWS::KMS::Key': { ref: 'id', arn: arnOf('kms', (name) => `key/${name}`) },
  'AWS::ApiGateway::RestApi': {
    nameProperty: 'Name',
    ref: 'id',
    arn: arnOf('apigateway', (name) => `/restapis/${name}`),
  },
  'AWS::Serverless::Api': { nameProperty: 'Name', ref: 'id', arn: arnOf('apigateway', (name) => `/restapis/${name}`) },
  'AWS::Serverless::HttpApi': { ref: 'id', arn: arnOf('apigateway', (name) => `/apis/${name}`) },
  'AWS::Glue::Job': { nameProperty: 'Name', ref: 'name', arn: arnOf('glue', (name) => `job/${name}`) },
  'AWS::Batch::JobQueue': {
    nameProperty: 'JobQueueName',
    ref: 'arn',
    arn: arnOf('batch', (name) => `job-queue/${name}`),
  },
};

/** Any other type: `AWS::Service::Thing` is `arn:aws:service:<region>:<account>:thing/<name>`. */
function genericShape(type: string): Shape {
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  return {
    nameProperty: 'Name',
    ref: 'name',
    arn: arnOf(service.toLowerCase(), (name) => `${kind.toLowerCase()}/${name}`),
  };
}

export function shapeOf(type: string): Shape {
  return SHAPES[type] ?? genericShape(type);
}

/** The name property of a resource type (QueueName, TableName...), if it has one. */
export function nameProperty(type: string): string | undefined {
  return shapeOf(type).nameProperty;
}

/** A resource's name when its name property does not give one. */
export function defaultName(type: string, logicalId: string): string {
  return shapeOf(type).lowerCase ? logicalId.toLowerCase() : logicalId;
}

export function refOf(type: string, home: Home, name: string): Json {
  const shape = shapeOf(type);
  switch (shape.ref) {
    case 'name':
    case 'id':
      return name;
    case 'arn':
      return shape.arn(home, name);
    case 'url':
      return `https://sqs.${home.region}.${home.urlSuffix}/${home.account}/${name}`;
  }
}

/** Fn::GetAtt of a resource: Arn, Name and the type's own attributes; else undefined. */
export function attributeOf(type: string, home: Home, name: string, attribute: string): Json | undefined {
  const shape = shapeOf(type);
  const own = shape.attributes?.[attribute];
  if (own) return own(home, name);
  if (attribute === 'Arn') return shape.arn(home, name);
  if (attribute === 'Name') return name;
  return undefined;
}
