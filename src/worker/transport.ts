/**
 * How the worker reaches the API: plain HTTP (AWS JSON 1.0; unsigned, or signed with SigV4 by the
 * SDK's own signer when credentials are given, for a server with access keys), or an
 * `@aws-sdk/client-sfn` client, loaded only when one is given.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

/** SHA-256 and HMAC-SHA256 for the signer on node's crypto (the worker shares no code with the server). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret === undefined) this.hash = createHash('sha256');
    else if (typeof secret === 'string') this.hash = createHmac('sha256', secret);
    else if (ArrayBuffer.isView(secret))
      this.hash = createHmac('sha256', new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength));
    else this.hash = createHmac('sha256', new Uint8Array(secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** An access key pair of the server's (`--credentials`), to sign the worker's requests with. */
export interface WorkerCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

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

export function httpTransport(
  endpoint: string,
  signing?: { credentials: WorkerCredentials; region: string },
): Transport {
  const url = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  const target = new URL(url);
  const signer =
    signing &&
    new SignatureV4({
      credentials: signing.credentials,
      region: signing.region,
      service: 'states',
      sha256: Sha256,
    });
  const call = async (action: string, body: object, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    const text = JSON.stringify(body);
    let headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${action}`,
    };
    if (signer) {
      // fetch sends the URL's host as the Host header: sign that.
      const signed = await signer.sign({
        method: 'POST',
        protocol: target.protocol,
        hostname: target.hostname,
        path: target.pathname,
        headers: { ...headers, host: target.host },
        body: text,
      });
      const { host: _host, ...rest } = signed.headers;
      headers = rest;
    }
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: text,
      ...(signal ? { signal } : {}),
    });
    const answer = await response.text();
    const json = (answer === '' ? {} : JSON.parse(answer)) as Record<string, unknown>;
    if (!response.ok) {
      const type =
        typeof json.__type === 'string' ? (json.__type.split('#').at(-1) ?? json.__type) : `HTTP${response.status}`;
      throw new ApiCallError(type, typeof json.message === 'string' ? json.message : answer);
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
