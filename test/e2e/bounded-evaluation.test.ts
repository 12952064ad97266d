import { TestStateCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const dataDir = tempDir('stepwise-bounded-');
let server: ServerProcess;

beforeAll(async () => {
  server = new ServerProcess(await freePort(), dataDir);
  await server.start();
}, 30_000);

afterAll(async () => {
  await server?.kill();
  removeDir(dataDir);
});

const ENDLESS = '($f := function($n){ $f($n+1) }; $f(0))';

describe('an endless JSONata expression in the real server', () => {
  it('fails with States.Runtime while /healthz goes on answering', async () => {
    const client = server.client();
    try {
      const definition = JSON.stringify({
        Type: 'Pass',
        QueryLanguage: 'JSONata',
        Output: `{% ${ENDLESS} %}`,
        End: true,
      });
      let done = false;
      const run = client
        .send(new TestStateCommand({ definition, roleArn: ROLE, input: '{}' }))
        .finally(() => (done = true));
      let answered = 0;
      while (!done) {
        const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (response.ok) answered++;
        await new Promise((r) => setTimeout(r, 20));
      }
      const result = await run;
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.Runtime');
      expect(result.cause).toMatch(/exceeded (the limit of \d+ evaluation steps|the evaluation time limit)/);
      expect(answered).toBeGreaterThan(5);
    } finally {
      client.destroy();
    }
  }, 30_000);
});
