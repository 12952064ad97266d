/** `stepwise graph <file>`: the state machine's graph as SVG, Mermaid or Graphviz dot, no browser needed. */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { buildGraph } from '../asl/graph.js';
import { toDot, toMermaid } from '../asl/graph/render-text.js';
import { loadDefinition } from '../interpreter/load.js';
import type { Json } from '../json.js';
import {
  ExitCode,
  UsageError,
  definitionCommand,
  printDiagnostics,
  readDefinition,
  reportError,
  type CliIO,
  type CommandContext,
} from './common.js';

export type GraphFormat = 'svg' | 'mermaid' | 'dot';
export type GraphDirection = 'down' | 'right';

export interface GraphOptions {
  format?: GraphFormat;
  direction?: GraphDirection;
  /** Write here instead of stdout. */
  output?: string;
}

const FORMATS: readonly GraphFormat[] = ['svg', 'mermaid', 'dot'];
const EXTENSIONS: Record<string, GraphFormat> = {
  '.svg': 'svg',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.dot': 'dot',
  '.gv': 'dot',
};

function parseFormat(value: string): GraphFormat {
  const lower = value.toLowerCase();
  if ((FORMATS as readonly string[]).includes(lower)) return lower as GraphFormat;
  throw new InvalidArgumentError('expected svg, mermaid or dot.');
}

function parseDirection(value: string): GraphDirection {
  const lower = value.toLowerCase();
  if (lower === 'down' || lower === 'right') return lower;
  throw new InvalidArgumentError('expected down or right.');
}

/** --format, else the output file's extension, else SVG. */
function formatOf(options: GraphOptions): GraphFormat {
  if (options.format !== undefined) return options.format;
  if (options.output !== undefined) {
    const inferred = EXTENSIONS[extname(options.output).toLowerCase()];
    if (inferred !== undefined) return inferred;
  }
  return 'svg';
}

export async function render(definition: Json, format: GraphFormat, direction: GraphDirection): Promise<string> {
  const graph = buildGraph(definition);
  const elkDirection = direction === 'right' ? 'RIGHT' : 'DOWN';
  switch (format) {
    case 'mermaid':
      return toMermaid(graph, elkDirection);
    case 'dot':
      return toDot(graph, elkDirection);
    case 'svg': {
      // ELK's bundle is large: only SVG needs it.
      const [{ layoutGraph }, { renderSvg }] = await Promise.all([
        import('../asl/graph-layout.js'),
        import('../asl/graph/render-svg.js'),
      ]);
      return renderSvg(graph, await layoutGraph(graph, { direction: elkDirection }));
    }
  }
}

/** Runs the command; resolves to the exit code and never throws. */
export async function graphCommand(file: string, options: GraphOptions, io: CliIO): Promise<ExitCode> {
  try {
    const text = await readDefinition(file);
    const loaded = loadDefinition(text);
    if (!loaded.ok) {
      printDiagnostics(io.stderr, file, loaded.diagnostics);
      return ExitCode.Usage;
    }
    const output = await render(loaded.definition, formatOf(options), options.direction ?? 'down');
    if (options.output === undefined) {
      io.stdout(output);
      return ExitCode.Ok;
    }
    try {
      await writeFile(options.output, output, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      throw new UsageError(`cannot write ${options.output}: ${reason}`);
    }
    return ExitCode.Ok;
  } catch (error) {
    return reportError(io, error);
  }
}

export function registerGraph(program: Command, context: CommandContext): void {
  definitionCommand(program, 'graph', "draw a state machine's graph as SVG, Mermaid or Graphviz dot")
    .addOption(
      new Option('--format <format>', 'svg, mermaid or dot (default: from the -o extension, else svg)').argParser(
        parseFormat,
      ),
    )
    .addOption(new Option('--direction <direction>', 'down or right (default: down)').argParser(parseDirection))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (file: string, options: GraphOptions) => {
      context.setExitCode(await graphCommand(file, options, context.io));
    });
}
