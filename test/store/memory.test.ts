import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { describeClusterStore } from './cluster-suite.js';
import { describeStore } from './store-suite.js';

describeStore('memory', async () => new MemoryStore());
describeClusterStore('memory', async () => new MemoryStore());
