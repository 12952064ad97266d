import { readFileSync } from 'node:fs';
import type { Json } from '../../src/json.js';
import { CONFORMANCE_CASES_DIR, corpusGroupFiles, corpusGroups } from '../support/corpus-dir.js';

export const CASES_DIR = CONFORMANCE_CASES_DIR;

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
  for (const group of corpusGroups()) {
    if (!filter(group)) continue;
    for (const file of corpusGroupFiles(group)) {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Omit<CorpusCase, 'group'>;
      cases.push({ ...data, group });
    }
  }
  return cases;
}
