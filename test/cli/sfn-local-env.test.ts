import { describe, expect, it } from 'vitest';
import { parseEnvFile, resolveSfnLocalSettings } from '../../src/cli/sfn-local-env.js';

describe("Docker's env-file format (aws-stepfunctions-local-credentials.txt)", () => {
  it('reads NAME=value lines literally, skips comments and blank lines, passes a bare NAME through', () => {
    const text = [
      '# credentials',
      '',
      'AWS_ACCESS_KEY_ID=AKID',
      '  AWS_SECRET_ACCESS_KEY=a=b "quoted" ',
      'FROM_HOST',
      'NOT_ON_HOST',
      'EMPTY=\r',
    ].join('\n');
    expect(parseEnvFile(text, 'f', { FROM_HOST: 'host value' })).toEqual({
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'a=b "quoted" ',
      FROM_HOST: 'host value',
      EMPTY: '',
    });
  });

  it('refuses a line whose name has spaces, naming the file and line', () => {
    expect(() => parseEnvFile('A=1\nWAIT TIME=0\n', 'creds.txt')).toThrow(/^creds\.txt:2: expected NAME=value/);
  });
});

describe("Step Functions Local's variables beside Stepwise's", () => {
  it("maps each onto Stepwise's setting; Stepwise's wins and a differing pair is a conflict", () => {
    const resolved = resolveSfnLocalSettings(
      {
        AWS_DEFAULT_REGION: 'eu-west-1',
        STEPWISE_REGION: 'us-west-2',
        AWS_ACCOUNT_ID: '111122223333',
        STEPWISE_ACCOUNT_ID: '111122223333',
        SAGE_MAKER_ENDPOINT: 'http://127.0.0.1:1',
        STEP_FUNCTIONS_ENDPOINT: 'http://127.0.0.1:2',
      },
      { STEPWISE_LAMBDA_ENDPOINT: { value: 'http://a', from: '--lambda-endpoint' } },
    );
    expect(Object.fromEntries([...resolved.values].map(([name, v]) => [name, v.value]))).toEqual({
      STEPWISE_REGION: 'us-west-2',
      STEPWISE_ACCOUNT_ID: '111122223333',
      STEPWISE_LAMBDA_ENDPOINT: 'http://a',
      STEPWISE_ENDPOINT_SAGEMAKER: 'http://127.0.0.1:1',
      STEPWISE_ENDPOINT_SFN: 'http://127.0.0.1:2',
    });
    expect([...resolved.adopted].sort()).toEqual(['STEPWISE_ENDPOINT_SAGEMAKER', 'STEPWISE_ENDPOINT_SFN']);
    expect(resolved.conflicts).toEqual([
      {
        stepwise: { value: 'us-west-2', from: 'STEPWISE_REGION' },
        sfnLocal: { value: 'eu-west-1', from: 'AWS_DEFAULT_REGION' },
      },
    ]);
  });
});
