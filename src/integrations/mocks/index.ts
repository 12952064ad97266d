export {
  loadMockConfig,
  parseMockConfig,
  MockConfigError,
  type MockConfig,
  type MockedResponse,
  type MockedStep,
} from './config.js';
export { TaskMocks, splitTestCase, stateMachineName } from './task-mocks.js';
