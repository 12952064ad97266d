export { ActivityIntegration } from './activity-integration.js';
export { ActivityQueue, DEFAULT_POLL_SETTINGS, type ActivityPollSettings } from './queue.js';
export { pollActivityTask, type PollResult } from './poll.js';
