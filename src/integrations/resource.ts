/**
 * Task resource ARNs, parsed once:
 *   arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]   legacy Lambda
 *   arn:aws:states:<region>:<account>:activity:<name>                 activity
 *   arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]   optimized integration
 *   arn:aws:states:::aws-sdk:<service>:<action>[...]                  AWS SDK integration
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
  if (region !== '' || account !== '' || parts.length < 7) return { kind: 'other', resource };
  if (parts[5] === 'aws-sdk' && parts.length >= 8) {
    const { action, pattern } = splitPattern(parts.slice(7).join(':'));
    return { kind: 'aws-sdk', partition, service: parts[6] as string, action, pattern };
  }
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
