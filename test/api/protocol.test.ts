import { ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, storeKinds, type Harness } from './harness.js';

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h.close());

  const target = (action: string) => ({ 'x-amz-target': `AWSStepFunctions.${action}` });

  describe('the AWS JSON 1.0 protocol', () => {
    it('answers GET /healthz with status ok', async () => {
      const response = await fetch(`${h.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('answers in application/x-amz-json-1.0 with a request id', async () => {
      const response = await h.raw('{}', target('ListStateMachines'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.json).toEqual({ stateMachines: [] });
    });

    it('an unknown action is an UnknownOperationException', async () => {
      const response = await h.raw('{}', target('LaunchRocket'));
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('UnknownOperationException');
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    });

    it('a request without X-Amz-Target is an UnknownOperationException', async () => {
      const response = await h.raw('{}');
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('UnknownOperationException');
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    });

    it('a body that is not JSON is a SerializationException', async () => {
      const response = await h.raw('{"name": ', target('CreateStateMachine'));
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('SerializationException');
      expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
    });

    it('a body that is JSON but not an object is a SerializationException', async () => {
      const response = await h.raw('[1, 2]', target('ListStateMachines'));
      expect(response.json.__type).toBe('SerializationException');
    });

    it('a member of the wrong JSON type is a SerializationException', async () => {
      const response = await h.raw('{"maxResults": "ten"}', target('ListStateMachines'));
      expect(response.status).toBe(400);
      expect(response.json.__type).toBe('SerializationException');
    });

    it('the body is read whatever the content type says', async () => {
      const response = await h.raw('{}', { ...target('ListStateMachines'), 'content-type': 'text/plain' });
      expect(response.status).toBe(200);
    });

    it('a missing required member is a ValidationException in AWS wording', async () => {
      const response = await h.raw('{}', target('DescribeStateMachine'));
      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
      });
    });

    it('every violation is reported at once', async () => {
      const response = await h.raw(JSON.stringify({ name: 'x'.repeat(81) }), target('CreateStateMachine'));
      expect(response.json.message).toBe(
        `3 validation errors detected: Value '${'x'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80; ` +
          "Value null at 'definition' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      );
    });

    it('a SigV4-signed request from the SDK is accepted', async () => {
      const output = await h.client.send(new ListStateMachinesCommand({}));
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(output.stateMachines).toEqual([]);
    });

    it('other paths answer in AWS shape too', async () => {
      const response = await fetch(`${h.url}/nowhere`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    });
  });
});
