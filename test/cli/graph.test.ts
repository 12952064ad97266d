import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { showcase } from '../graph/machines.js';
import { removeDir, tempDir } from '../support/files.js';
import { cli, lines } from './helpers.js';

const dir = tempDir('stepwise-graph-');
const file = join(dir, 'machine.asl.json');
writeFileSync(file, JSON.stringify(showcase, null, 2));
afterAll(() => removeDir(dir));

describe('stepwise graph', () => {
  it('--format mermaid writes a flowchart with subgraphs, labelled choices and dashed labelled catches', async () => {
    const { code, stdout, stderr } = await cli('graph', file, '--format', 'mermaid');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(stdout).toMatch(/subgraph n\d+\["Fan \(Parallel\)"\]/);
    expect(stdout).toMatch(/subgraph n\d+\["Branch 2"\]/);
    expect(stdout).toMatch(/subgraph n\d+\["Each \(Map\)"\]/);
    expect(stdout).toContain('-->|"$.n #62; 3"|');
    expect(stdout).toContain('-->|"Default"|');
    expect(stdout).toContain('-.->|"States.TaskFailed, States.Timeout"|');
    expect(stdout).toContain('classDef fail');
  });

  it('--format dot writes clusters, edges into clusters through lhead/ltail, dashed catch edges', async () => {
    const { code, stdout } = await cli('graph', file, '--format', 'dot', '--direction', 'right');
    expect(code).toBe(0);
    expect(stdout).toContain('rankdir=LR;');
    expect(stdout).toMatch(/subgraph cluster_n\d+ \{\n\s+label="Fan \(Parallel\)";/);
    expect(stdout).toMatch(/subgraph cluster_n\d+ \{\n\s+label="Item processor";/);
    expect(stdout).toMatch(/-> n\d+ \[lhead=cluster_n\d+, label="\$\.n > 3"\];/);
    expect(stdout).toMatch(/\[ltail=cluster_n\d+, label="States.TaskFailed, States.Timeout", style=dashed/);
    expect(stdout.trimEnd().endsWith('}')).toBe(true);
  });

  it('-o out.svg writes a self-contained SVG with coloured boxes, arrows and dashed catch edges', async () => {
    const out = join(dir, 'out.svg');
    const { code, stdout, stderr } = await cli('graph', file, '-o', out);
    expect(stderr).toBe('');
    expect(stdout).toBe('');
    expect(code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(svg).toContain('data-id="Fan/branch/1/B" data-kind="Wait"');
    expect(svg).toContain('data-id="Each/processor/Inner" data-kind="Parallel"');
    expect(svg).toMatch(/class="edge edge-catch"[^>]*stroke-dasharray/);
    expect(svg).toContain('&gt; 3');
    expect(svg).toContain('States.TaskFailed, States.Timeout');
    expect(svg).toContain('marker-end="url(#sw-arrow)"');
  });

  it('rejects an invalid definition with its diagnostics and exit code 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } }));
    const { code, stdout, stderr } = await cli('graph', bad, '--format', 'dot');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('MISSING_TRANSITION_TARGET');
  });

  it('an unknown format is one line and exit code 2', async () => {
    const { code, stderr } = await cli('graph', file, '--format', 'jpeg');
    expect(code).toBe(2);
    expect(lines(stderr)).toHaveLength(1);
    expect(stderr).toContain('expected svg, png, mermaid or dot');
  });

  it('a missing file is one line and exit code 2', async () => {
    const { code, stderr } = await cli('graph', join(dir, 'missing.json'));
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([`stepwise: cannot read definition file ${join(dir, 'missing.json')}: no such file`]);
  });

  it('-o out.png writes a PNG of the SVG drawing (twice its size, white background)', async () => {
    const out = join(dir, 'out.png');
    const { code, stdout, stderr } = await cli('graph', file, '-o', out);
    expect(stderr).toBe('');
    expect(stdout).toBe('');
    expect(code).toBe(0);
    const png = readFileSync(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    const svgWidth = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
    expect(png.readUInt32BE(16)).toBe(Math.ceil(svgWidth * 2));
  });

  it('refuses an extension it does not write, and a PNG without -o, in one line', async () => {
    const jpg = await cli('graph', file, '-o', join(dir, 'out.jpg'));
    expect(jpg.code).toBe(2);
    expect(lines(jpg.stderr)).toEqual([
      'stepwise: cannot write a graph as .jpg: name the file .svg, .png, .mmd, .mermaid, .dot or .gv, or give --format',
    ]);
    const png = await cli('graph', file, '--format', 'png');
    expect(png.code).toBe(2);
    expect(png.stdout).toBe('');
    expect(lines(png.stderr)).toEqual([
      'stepwise: a PNG is written to a file: give -o graph.png (or --format svg for stdout)',
    ]);
  });
});
