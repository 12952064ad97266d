/** The activity worker's plain HTTP transport against a server with access keys: signed with credentials, refused without. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActivityWorker } from '../../src/index.js';
import { activityMachine, createActivity } from '../activities/support.js';
import { sfnClient, startExecution, untilDone } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

const KEY = { accessKeyId: 'AKIDWORKER', secretAccessKey: 'worker-secret-key' };
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ activityPollTimeoutMs: 200, accessKeys: [KEY], consoleDir: false });
});
afterAll(async () => {
  await t.close();
});

describe('runActivityWorker against a server with access keys', () => {
  it('signs its calls with the credentials it is given, and is refused without them', async () => {
    const client = sfnClient(t.url, { credentials: KEY });
    const activityArn = await createActivity(client);
    const errors: unknown[] = [];
    const unsigned = new AbortController();
    const refused = runActivityWorker({
      endpoint: t.url,
      activityArn,
      handler: () => ({ unsigned: true }),
      signal: unsigned.signal,
      onError: (error) => {
        errors.push(error);
        unsigned.abort();
      },
    });
    await refused;
    expect((errors[0] as Error).name).toBe('MissingAuthenticationTokenException');

    const controller = new AbortController();
    const worker = runActivityWorker({
      endpoint: t.url,
      credentials: KEY,
      activityArn,
      handler: async (input) => ({ doubled: (input as { n: number }).n * 2 }),
      signal: controller.signal,
    });
    try {
      const executionArn = await startExecution(client, await activityMachine(client, activityArn), { n: 21 });
      expect(await untilDone(client, executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"doubled":42}' });
    } finally {
      controller.abort();
      await worker;
      client.destroy();
    }
  });
});
