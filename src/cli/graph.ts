/**
 * `stepwise graph <file>`: the state machine's graph as SVG, PNG, Mermaid or Graphviz dot, no
 * browser needed (PNG is the SVG rasterised by the optional @resvg/resvg-js package).
 */
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

export type GraphFormat = 'svg' | 'png' | 'mermaid' | 'dot';
export type GraphDirection = 'down' | 'right';

export interface GraphOptions {
  format?: GraphFormat;
  direction?: GraphDirection;
  /** Write here instead of stdout. */
  output?: string;
}

const FORMATS: readonly GraphFormat[] = ['svg', 'png', 'mermaid', 'dot'];
const EXTENSIONS: Record<string, GraphFormat> = {
  '.svg': 'svg',
  '.png': 'png',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.dot': 'dot',
  '.gv': 'dot',
};

function parseFormat(value: string): GraphFormat {
  const lower = value.toLowerCase();
  if ((FORMATS as readonly string[]).includes(lower)) return lower as GraphFormat;
  throw new InvalidArgumentError('expected svg, png, mermaid or dot.');
}

function parseDirection(value: string): GraphDirection {
  const lower = value.toLowerCase();
  if (lower === 'down' || lower === 'right') return lower;
  throw new InvalidArgumentError('expected down or right.');
}

/**
 * --format, else the output file's extension, else SVG. An extension that names no format this
 * writes (`-o graph.jpg`) is refused rather than filled with SVG text.
 */
function formatOf(options: GraphOptions): GraphFormat {
  if (options.format !== undefined) return options.format;
  if (options.output !== undefined) {
    const extension = extname(options.output).toLowerCase();
    const inferred = EXTENSIONS[extension];
    if (inferred !== undefined) return inferred;
    if (extension !== '')
      throw new UsageError(
        `cannot write a graph as ${extension}: name the file .svg, .png, .mmd, .mermaid, .dot or .gv, or give --format`,
      );
  }
  return 'svg';
}

/** The SVG as a PNG at twice its size (sharp on high-density screens), with the system's fonts. */
async function toPng(svg: string): Promise<Uint8Array> {
  let resvg: typeof import('@resvg/resvg-js');
  try {
    resvg = await import('@resvg/resvg-js');
  } catch {
    throw new UsageError(
      'writing a PNG needs the optional package @resvg/resvg-js, which is not installed here: run `npm install @resvg/resvg-js`, or write an .svg',
    );
  }
  const image = new resvg.Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white' });
  return image.render().asPng();
}

export async function render(
  definition: Json,
  format: GraphFormat,
  direction: GraphDirection,
): Promise<string | Uint8Array> {
  const graph = buildGraph(definition);
  const elkDirection = direction === 'right' ? 'RIGHT' : 'DOWN';
  switch (format) {
    case 'mermaid':
      return toMermaid(graph, elkDirection);
    case 'dot':
      return toDot(graph, elkDirection);
    case 'svg':
    case 'png': {
      // ELK's bundle is large: only SVG (and PNG, drawn from it) needs it.
      const [{ layoutGraph }, { renderSvg }] = await Promise.all([
        import('../asl/graph-layout.js'),
        import('../asl/graph/render-svg.js'),
      ]);
      const svg = renderSvg(graph, await layoutGraph(graph, { direction: elkDirection }));
      return format === 'png' ? toPng(svg) : svg;
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
    const format = formatOf(options);
    if (format === 'png' && options.output === undefined)
      throw new UsageError('a PNG is written to a file: give -o graph.png (or --format svg for stdout)');
    const output = await render(loaded.definition, format, options.direction ?? 'down');
    if (options.output === undefined) {
      io.stdout(typeof output === 'string' ? output : '');
      return ExitCode.Ok;
    }
    try {
      await (typeof output === 'string'
        ? writeFile(options.output, output, 'utf8')
        : writeFile(options.output, output));
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
  definitionCommand(program, 'graph', "draw a state machine's graph as SVG, PNG, Mermaid or Graphviz dot")
    .addOption(
      new Option('--format <format>', 'svg, png, mermaid or dot (default: from the -o extension, else svg)').argParser(
        parseFormat,
      ),
    )
    .addOption(new Option('--direction <direction>', 'down or right (default: down)').argParser(parseDirection))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (file: string, options: GraphOptions) => {
      context.setExitCode(await graphCommand(file, options, context.io));
    });
}
