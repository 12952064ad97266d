/**
 * A template's Node.js functions (AWS::Serverless::Function's CodeUri + Handler, AWS::Lambda::Function's
 * Code as a local folder or, from `cdk synth`, its `aws:asset:path`), found on disk so that the
 * state machines' Tasks run their real code. Functions with other runtimes, S3 or image code stay
 * plausible ARNs.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isJsonObject, type Json } from '../json.js';
import type { Resource, TemplateModel } from './model.js';
import { FUNCTION_TYPES } from './model.js';
import { shapeOf } from './resources.js';

/** The module extensions a handler file may have, in the order they are looked for. */
const HANDLER_EXTENSIONS = ['.mjs', '.js', '.cjs', '.ts', '.mts'] as const;

export interface TemplateFunction {
  logicalId: string;
  /** The function name the state machines call (its FunctionName, else its logical id). */
  name: string;
  arn: string;
  /** The handler's module file (absolute). */
  file: string;
  /** The code folder (CodeUri, the Code folder or the CDK asset); for inline code, the template's. */
  codeDir: string;
  /** InlineCode or Code.ZipFile: the source itself (CommonJS, as Lambda runs it), and no `file` of its own. */
  inlineCode?: string;
  /** The handler's export (`lambdaHandler` for `app.lambdaHandler`). */
  exportName: string;
  /** Environment.Variables, resolved. */
  environment: Record<string, string>;
}

export interface FunctionScan {
  functions: TemplateFunction[];
  /** Functions that do not run here, each with why. */
  skipped: Array<{ logicalId: string; reason: string }>;
}

type CodeLocation = string | { inline: string } | { skip: string };

/** Where the function's code is: a folder, inline source (InlineCode, Code.ZipFile), or nowhere here. */
function codeDir(model: TemplateModel, resource: Resource): CodeLocation {
  const base = dirname(resolve(model.template.file));
  if (resource.type === 'AWS::Serverless::Function') {
    const inline = model.property(resource, 'InlineCode');
    if (typeof inline === 'string') return { inline };
    const uri = model.property(resource, 'CodeUri');
    if (typeof uri === 'string') return resolve(base, uri);
    if (uri === undefined) return base;
    return { skip: 'its CodeUri is in S3' };
  }
  const assetPath = resource.metadata['aws:asset:path'];
  if (typeof assetPath === 'string') return isAbsolute(assetPath) ? assetPath : resolve(base, assetPath);
  const code = model.property(resource, 'Code');
  if (typeof code === 'string') return resolve(base, code);
  const zipFile = isJsonObject(code ?? null) ? (code as { ZipFile?: Json }).ZipFile : undefined;
  if (typeof zipFile === 'string') return { inline: zipFile };
  return { skip: 'its Code is in S3 or an image' };
}

function findHandler(dir: string, modulePath: string): string | undefined {
  for (const extension of HANDLER_EXTENSIONS) {
    const file = join(dir, modulePath + extension);
    if (existsSync(file) && statSync(file).isFile()) return file;
  }
  return undefined;
}

function environmentOf(model: TemplateModel, resource: Resource): Record<string, string> {
  const environment = model.property(resource, 'Environment');
  const variables = isJsonObject(environment ?? null) ? (environment as { Variables?: Json }).Variables : undefined;
  const out: Record<string, string> = {};
  if (!isJsonObject(variables ?? null)) return out;
  for (const [key, value] of Object.entries(variables as Record<string, Json>)) {
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Which functions of the template run their code here; the model learns them (their ARNs are real). */
export function scanFunctions(model: TemplateModel): FunctionScan {
  const scan: FunctionScan = { functions: [], skipped: [] };
  const found: Array<{ resource: Resource; file: string; exportName: string; codeDir: string; inline?: string }> = [];
  for (const resource of model.resources.values()) {
    if (!FUNCTION_TYPES.has(resource.type)) continue;
    const { logicalId } = resource;
    if (model.text(resource, 'PackageType') === 'Image') {
      scan.skipped.push({ logicalId, reason: 'it is an image' });
      continue;
    }
    const runtime = model.text(resource, 'Runtime');
    if (runtime !== undefined && !runtime.startsWith('nodejs')) {
      scan.skipped.push({ logicalId, reason: `its runtime is ${runtime}, not Node.js` });
      continue;
    }
    const dir = codeDir(model, resource);
    if (typeof dir !== 'string' && 'skip' in dir) {
      scan.skipped.push({ logicalId, reason: dir.skip });
      continue;
    }
    const handler = model.text(resource, 'Handler');
    const dot = handler?.lastIndexOf('.') ?? -1;
    if (handler === undefined || dot <= 0)
      throw model.error(
        ['Resources', logicalId, 'Properties', 'Handler'],
        `Handler must be <file>.<export> (e.g. app.handler), not ${handler === undefined ? 'missing' : `'${handler}'`}`,
      );
    const modulePath = handler.slice(0, dot);
    if (typeof dir !== 'string') {
      const template = resolve(model.template.file);
      found.push({
        resource,
        file: template,
        exportName: handler.slice(dot + 1),
        codeDir: dirname(template),
        inline: dir.inline,
      });
      model.localFunctions.add(logicalId);
      continue;
    }
    const file = findHandler(dir, modulePath);
    if (file === undefined)
      throw model.error(
        ['Resources', logicalId, 'Properties', 'Handler'],
        `no ${modulePath}${HANDLER_EXTENSIONS.join(`, ${modulePath}`)} in ${dir} for Handler ${handler}`,
      );
    found.push({ resource, file, exportName: handler.slice(dot + 1), codeDir: dir });
    model.localFunctions.add(logicalId);
  }
  for (const { resource, file, exportName, codeDir, inline } of found) {
    const name = model.nameOf(resource);
    scan.functions.push({
      logicalId: resource.logicalId,
      name,
      arn: shapeOf(resource.type).arn(model.home, name),
      file,
      codeDir,
      exportName,
      environment: environmentOf(model, resource),
      ...(inline !== undefined ? { inlineCode: inline } : {}),
    });
  }
  return scan;
}
