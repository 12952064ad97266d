import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '../../src/json.js';

export const CASES_DIR = new URL('../../../shared/conformance/cases', import.meta.url).pathname;

export interface ExpectedDiagnostic {
  code: string;
  location: string;
  message: string;
  severity: 'ERROR' | 'WARNING';
}

export interface CorpusCase {
  name: string;
  group: string;
  stateMachineType?: 'STANDARD' | 'EXPRESS';
  definition: Json;
  definitionText?: string;
  expect: {
    invalidDefinition?:
      | { api: 'CreateStateMachine'; errorCode: string; message: string }
      | { api: 'ValidateStateMachineDefinition'; result: 'FAIL'; diagnostics: ExpectedDiagnostic[] };
  };
}

export function loadCases(filter: (group: string) => boolean): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const group of readdirSync(CASES_DIR).sort()) {
    if (!filter(group)) continue;
    for (const file of readdirSync(join(CASES_DIR, group)).sort()) {
      if (!file.endsWith('.json')) continue;
      const data = JSON.parse(readFileSync(join(CASES_DIR, group, file), 'utf8')) as Omit<CorpusCase, 'group'>;
      cases.push({ ...data, group });
    }
  }
  return cases;
}
