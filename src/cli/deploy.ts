/**
 * `stepwise deploy <template>`: a SAM, CloudFormation or CDK template's state machines, activities
 * and Node.js functions onto a running Stepwise (`--endpoint-url`), created or updated, each line
 * saying what happened; `--watch` deploys again whenever the template, a definition file or a
 * function's code is saved. Bad input (a template that does not parse, an intrinsic that cannot
 * be resolved, a definition that does not validate) is exit code 2 and nothing is deployed.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { DeployResult } from '../templates/deploy.js';
import { TemplateError } from '../templates/parse.js';
import { ExitCode, UsageError, oneLine, reportError, type CliIO, type CommandContext } from './common.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8083';

export interface DeployCommandOptions {
  parameterOverrides?: string[];
  endpointUrl: string;
  stackName?: string;
  functionsDir: string;
  region?: string;
  accountId?: string;
  watch?: boolean;
  /** Start a server in this process (on `port`, data in `dataDir`) and deploy into it. */
  serve?: boolean;
  port?: string;
  dataDir?: string;
}

/** `Key=Value`, or the CloudFormation CLI's `ParameterKey=Key,ParameterValue=Value`. */
export function parseOverrides(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  // `sam deploy --parameter-overrides "Stage=prod Discount=25"`: one argument, several pairs.
  const split = pairs.flatMap((pair) => pair.trim().split(/\s+(?=[A-Za-z0-9]+=)/));
  for (const pair of split) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(pair);
    if (long) {
      out[long[1]!] = long[2]!;
      continue;
    }
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--parameter-overrides: expected Key=Value, not '${pair}'`);
    out[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return out;
}

function display(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}

function report(io: CliIO, result: DeployResult): void {
  const byFunction = new Map(result.template.functions.map((fn) => [fn.logicalId, fn]));
  for (const item of result.items) {
    const fn = item.kind === 'function' ? byFunction.get(item.logicalId) : undefined;
    const code = fn?.inlineCode !== undefined ? 'its inline code' : `${display(fn?.file ?? '')} (${fn?.exportName})`;
    const what = fn && item.file ? `${display(item.file)} runs ${code}` : item.arn;
    io.stdout(`${item.change} ${item.kind} ${item.logicalId}: ${what}\n`);
  }
  for (const output of result.template.outputs)
    if (output.value !== undefined) io.stdout(`output ${output.key}: ${output.value}\n`);
  for (const warning of result.warnings) io.stderr(`stepwise: warning: ${oneLine(warning)}\n`);
  const counts = new Map<string, number>();
  for (const item of result.items) counts.set(item.change, (counts.get(item.change) ?? 0) + 1);
  const summary = [...counts].map(([change, count]) => `${count} ${change}`).join(', ') || 'nothing to deploy';
  io.stdout(`${display(result.template.file)}: ${summary}\n`);
}

function isConnectionError(error: unknown): boolean {
  const text = `${(error as { code?: unknown }).code ?? ''} ${(error as { name?: unknown }).name ?? ''} ${String(error)}`;
  return /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|TimeoutError/.test(text);
}

/** One deploy: the exit code, every problem reported. */
async function deployOnce(file: string, options: DeployCommandOptions, io: CliIO): Promise<ExitCode> {
  const [{ SFNClient }, { deployTemplate }] = await Promise.all([
    import('@aws-sdk/client-sfn'),
    import('../templates/deploy.js'),
  ]);
  const client = new SFNClient({
    endpoint: options.endpointUrl,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  try {
    const result = await deployTemplate(file, {
      client,
      functionsDir: options.functionsDir,
      parameters: parseOverrides(options.parameterOverrides ?? []),
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
      ...(options.stackName !== undefined ? { stackName: options.stackName } : {}),
    });
    report(io, result);
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof TemplateError) {
      for (const line of error.message.split('\n')) io.stderr(`stepwise: ${oneLine(line)}\n`);
      return ExitCode.Usage;
    }
    if (isConnectionError(error))
      return reportError(
        io,
        new UsageError(`cannot reach Step Functions at ${options.endpointUrl}: is stepwise serve running?`),
      );
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && (error as { $metadata?: unknown }).$metadata !== undefined)
      return reportError(
        io,
        new UsageError(`${file}: the server refused the deploy: ${name}: ${(error as Error).message}`),
      );
    return reportError(io, error);
  } finally {
    client.destroy();
  }
}

/** Watches the folders of the files the last deploy read; calls `onChange` (debounced) on a change. */
function watchFiles(files: readonly string[], onChange: () => void): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const wanted = new Set(files.map((file) => resolve(file)));
  const folders = new Set([...wanted].map((file) => dirname(file)));
  const watchers: FSWatcher[] = [];
  for (const folder of folders) {
    try {
      const watcher = watch(folder, (_event, name) => {
        if (name !== null && !wanted.has(resolve(folder, name.toString()))) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, 100);
      });
      // A folder removed while watched ends its watcher, not the command.
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A folder that is gone (a definition file's folder removed): nothing to watch there.
    }
  }
  return watchers;
}

/** Deploys; with `watch`, again on every save until `signal` aborts. */
async function deployAndWatch(
  file: string,
  options: DeployCommandOptions,
  io: CliIO,
  signal?: AbortSignal,
): Promise<ExitCode> {
  try {
    const code = await deployOnce(file, options, io);
    if (!options.watch || code !== ExitCode.Ok) return code;
    const { loadTemplate } = await import('../templates/load.js');
    const watchedFiles = async (): Promise<string[]> => {
      try {
        const loaded = await loadTemplate(file, { parameters: parseOverrides(options.parameterOverrides ?? []) });
        return loaded.files;
      } catch {
        return [file];
      }
    };
    let watchers: FSWatcher[] = [];
    let running = Promise.resolve();
    let stopped = false;
    const rewatch = async (): Promise<void> => {
      const files = await watchedFiles();
      for (const watcher of watchers) watcher.close();
      if (stopped) return;
      watchers = watchFiles(files, () => {
        running = running.then(async () => {
          if (stopped) return;
          await deployOnce(file, options, io);
          await rewatch();
        });
      });
    };
    await rewatch();
    io.stdout(`watching ${display(file)} for changes (Ctrl-C to stop)\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        stopped = true;
        for (const watcher of watchers) watcher.close();
        void running.then(done);
      };
      if (signal?.aborted) stop();
      signal?.addEventListener('abort', stop, { once: true });
    });
    return code;
  } catch (error) {
    return reportError(io, error);
  }
}

/** Waits for the signal to abort. */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    if (!signal || signal.aborted) return done();
    signal.addEventListener('abort', () => done(), { once: true });
  });
}

/**
 * Runs the command; with `watch` or `serve`, until `signal` aborts (the CLI: SIGINT or SIGTERM).
 * With `serve`, the server is started here first (its functions folder the deploy's) and stopped
 * at the end; a bad first deploy stops it at once.
 */
export async function deployCommand(
  file: string,
  options: DeployCommandOptions,
  io: CliIO,
  signal?: AbortSignal,
): Promise<ExitCode> {
  if (!options.serve) return deployAndWatch(file, options, io, signal);
  const { startServer, StartupError } = await import('../server.js');
  let server;
  try {
    const port = Number(options.port ?? '8083');
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`invalid port '${options.port}': expected a number from 0 to 65535`);
    server = await startServer({
      port,
      host: '127.0.0.1',
      dataDir: options.dataDir ?? '.stepwise',
      functionsDir: options.functionsDir,
      logLevel: 'warn',
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
    });
  } catch (error) {
    return reportError(io, error instanceof StartupError ? new UsageError(error.message) : error);
  }
  try {
    io.stdout(`serving the Step Functions API at ${server.url}\n`);
    const code = await deployAndWatch(file, { ...options, endpointUrl: server.url }, io, signal);
    if (code !== ExitCode.Ok) return code;
    if (!options.watch) await aborted(signal);
    return code;
  } finally {
    await server.close();
  }
}

export function registerDeploy(program: Command, context: CommandContext): void {
  program
    .command('deploy')
    .description(
      'create or update the state machines, activities and functions of a SAM, CloudFormation or CDK template',
    )
    .argument('<template>', 'template file (YAML or JSON, e.g. template.yaml or cdk.out/MyStack.template.json)')
    .option('--parameter-overrides <pairs...>', 'template parameters: Key=Value (or ParameterKey=K,ParameterValue=V)')
    .addOption(
      new Option('--endpoint-url <url>', 'the running Stepwise server')
        .env('STEPWISE_ENDPOINT_URL')
        .default(DEFAULT_ENDPOINT),
    )
    .option('--stack-name <name>', 'AWS::StackName (default: the template file name)')
    .addOption(
      new Option(
        '--functions-dir <dir>',
        "the server's local functions folder, where the template's functions are linked",
      )
        .env('STEPWISE_FUNCTIONS_DIR')
        .default('functions'),
    )
    .addOption(new Option('--region <region>', "AWS::Region (default: the server's)").env('STEPWISE_REGION'))
    .addOption(new Option('--account-id <id>', "AWS::AccountId (default: the server's)").env('STEPWISE_ACCOUNT_ID'))
    .option('--watch', 'deploy again whenever the template, a definition file or function code is saved')
    .option('--serve', 'start a server in this process and deploy into it (serving until Ctrl-C)')
    .option('--port <port>', 'with --serve: the port to listen on (default 8083)')
    .option('--data-dir <dir>', 'with --serve: where the SQLite database is kept (default .stepwise)')
    .action(async (file: string, options: DeployCommandOptions) => {
      let signal: AbortSignal | undefined;
      if (options.watch || options.serve) {
        const controller = new AbortController();
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          controller.abort();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        signal = controller.signal;
      }
      context.setExitCode(await deployCommand(file, options, context.io, signal));
    });
}
