/**
 * The mock configuration's test cases, so the console's start page can offer them (StartExecution on
 * `<stateMachineArn>#<TestCase>`, Step Functions Local's convention):
 *
 *   GET /console/api/mocks                          {"configured": true, "stateMachines": [{"stateMachineName": "Orders", "testCases": ["HappyPath", ...]}, ...]}
 *   GET /console/api/mocks?stateMachineName=Orders  the same, of that state machine alone (none when the file does not name it)
 *
 * in the file's order. Without a mock configuration (no --mock-config, no SFN_MOCK_CONFIG) it answers
 * `{"configured": false, "stateMachines": []}`. Names only: the mocked responses stay in the file.
 * Read-only; AWS has no such call (Step Functions Local has none either).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

export const MOCKS_ROUTE = '/console/api/mocks';

export function registerConsoleMocks(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: { stateMachineName?: string } }>(MOCKS_ROUTE, async (request) => {
    const all = ctx.engine.mockTestCases();
    const name = request.query.stateMachineName;
    return {
      configured: all !== undefined,
      stateMachines: (all ?? []).filter((m) => name === undefined || m.stateMachineName === name),
    };
  });
}
