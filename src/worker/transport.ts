/**
 * How the worker reaches the API: plain HTTP (AWS JSON 1.0, unsigned: Stepwise accepts it) with no
 * dependency, or an `@aws-sdk/client-sfn` client, loaded only when one is given.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';

export interface Transport {
  getActivityTask(
    input: { activityArn: string; workerName: string },
    signal: AbortSignal,
  ): Promise<{ taskToken?: string; input?: string }>;
  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void>;
  sendTaskFailure(input: { taskToken: string; error: string; cause: string }): Promise<void>;
  sendTaskHeartbeat(input: { taskToken: string }): Promise<void>;
}

/** An API error answer, named by its `__type` like the SDK's exceptions. */
export class ApiCallError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function httpTransport(endpoint: string): Transport {
  const url = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const call = async (action: string, body: object, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
    const text = await response.text();
    const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    if (!response.ok) {
      const type =
        typeof json.__type === 'string' ? (json.__type.split('#').at(-1) ?? json.__type) : `HTTP${response.status}`;
      throw new ApiCallError(type, typeof json.message === 'string' ? json.message : text);
    }
    return json;
  };
  return {
    getActivityTask: async (input, signal) =>
      (await call('GetActivityTask', input, signal)) as { taskToken?: string; input?: string },
    sendTaskSuccess: async (input) => void (await call('SendTaskSuccess', input)),
    sendTaskFailure: async (input) => void (await call('SendTaskFailure', input)),
    sendTaskHeartbeat: async (input) => void (await call('SendTaskHeartbeat', input)),
  };
}

export async function clientTransport(client: SFNClient): Promise<Transport> {
  const sdk = await import('@aws-sdk/client-sfn');
  return {
    getActivityTask: (input, signal) => client.send(new sdk.GetActivityTaskCommand(input), { abortSignal: signal }),
    sendTaskSuccess: async (input) => void (await client.send(new sdk.SendTaskSuccessCommand(input))),
    sendTaskFailure: async (input) => void (await client.send(new sdk.SendTaskFailureCommand(input))),
    sendTaskHeartbeat: async (input) => void (await client.send(new sdk.SendTaskHeartbeatCommand(input))),
  };
}
