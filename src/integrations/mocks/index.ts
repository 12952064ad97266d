export {
  loadMockConfig,
  parseMockConfig,
  MockConfigError,
  type MockConfig,
  type MockedResponse,
  type MockedStep,
} from './config.js';
export { MockIntegration, splitTestCase, stateMachineName } from './mock-integration.js';
