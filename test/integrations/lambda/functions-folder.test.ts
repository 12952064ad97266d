/**
 * A local function is a file inside the functions folder, and nothing else: names that climb out
 * (`..`), absolute paths and symlinks that lead out of the folder find no function, and a Task
 * naming one fails as a missing function does, without running anything outside.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFunctions } from '../../../src/integrations/lambda/index.js';
import { removeDir, tempDir } from '../../support/files.js';

const root = tempDir('stepwise-functions-folder-');
let functions: LocalFunctions;

beforeAll(() => {
  mkdirSync(join(root, 'functions', 'nested'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'functions', 'inside.mjs'), 'export const handler = async () => "inside";\n');
  writeFileSync(join(root, 'functions', 'nested', 'index.mjs'), 'export const handler = async () => "nested";\n');
  writeFileSync(join(root, 'outside', 'secret.mjs'), 'export const handler = async () => "outside";\n');
  // A symlink inside the folder that leads out of it, and one that stays inside.
  symlinkSync(join(root, 'outside', 'secret.mjs'), join(root, 'functions', 'escape.mjs'));
  symlinkSync(join(root, 'functions', 'inside.mjs'), join(root, 'functions', 'alias.mjs'));
  functions = new LocalFunctions({ dir: join(root, 'functions') });
});

afterAll(async () => {
  await functions.close();
  removeDir(root);
});

describe('the functions folder', () => {
  it('finds files inside it, a folder index, and a symlink that stays inside', async () => {
    expect((await functions.find('inside'))?.file).toBe(join(root, 'functions', 'inside.mjs'));
    expect((await functions.find('nested'))?.file).toBe(join(root, 'functions', 'nested', 'index.mjs'));
    expect((await functions.find('alias'))?.file).toBe(join(root, 'functions', 'inside.mjs'));
  });

  it.each([
    ['a symlink that leads out', 'escape'],
    ['a name that climbs out', '../outside/secret'],
    ['an absolute path', join(root, 'outside', 'secret')],
  ])('finds nothing for %s', async (_what, name) => {
    expect(await functions.find(name)).toBeUndefined();
  });
});
