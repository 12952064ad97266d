/**
 * The real server as a child process (`node --import tsx src/cli/main.ts serve`), for end-to-end
 * tests that kill it, restart it or talk to it with outside clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { SFN_LOCAL_VARIABLES } from '../../src/cli/sfn-local-env.js';
import { sfnClient } from '../support/aws.js';
import { cliFromSource, repoRoot } from '../support/repo.js';

/**
 * The test process's environment without the variables that pick the server's database and cluster
 * identity: STEPWISE_DATABASE_URL is also how the PostgreSQL tests are pointed at a server, and a
 * child inheriting it would leave SQLite for a shared schema. Nor Step Functions Local's settings
 * (`serve` honours them): an AWS_DEFAULT_REGION in a developer's shell would change every ARN. A
 * test that wants them passes them.
 */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['STEPWISE_DATABASE_URL', 'STEPWISE_DATABASE_SCHEMA', 'STEPWISE_NODE_ID', 'STEPWISE_LEASE_MS'])
    delete env[name];
  for (const { names } of SFN_LOCAL_VARIABLES) for (const name of names) delete env[name];
  return env;
}

export interface ServerProcessOptions {
  /** More `serve` arguments, after --port and --data-dir (e.g. ['--database-url', url, '--node-id', 'a']). */
  args?: string[];
  /** More environment variables for the child (STEPWISE_LOG_LEVEL is 'warn' unless set here). */
  env?: Record<string, string>;
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The child's stderr and stdout, for failure messages. */
  output = '';

  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** Read at every start(), so a restart may change them. */
    readonly options: ServerProcessOptions = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns the server and resolves once GET /healthz answers (fails after `timeoutMs`). */
  async start(timeoutMs = 15_000): Promise<void> {
    const args = cliFromSource(
      'serve',
      '--port',
      String(this.port),
      '--data-dir',
      this.dataDir,
      ...(this.options.args ?? []),
    );
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...inheritedEnv(), STEPWISE_LOG_LEVEL: 'warn', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${this.output}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`the server did not answer /healthz within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the process (SIGKILL by default: no shutdown code runs) and waits for it to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child?.kill(signal);
    await this.exited;
    this.child = undefined;
  }

  client(): SFNClient {
    return sfnClient(this.url);
  }
}
