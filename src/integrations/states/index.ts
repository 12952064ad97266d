export {
  StatesIntegration,
  childName,
  STARTED_BY_MEMBER,
  type NestedExecutionHost,
  type StatesIntegrationOptions,
} from './nested.js';
