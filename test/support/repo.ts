/** Where the tests find the repository, and how they run the CLI from its source. */
import { fileURLToPath } from 'node:url';

/** The repository root: the working directory of a CLI child, and the base of repository paths. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Node's arguments that run the CLI from source (`node --import tsx src/cli/main.ts ...argv`, from repoRoot). */
export const cliFromSource = (...argv: string[]): string[] => ['--import', 'tsx', 'src/cli/main.ts', ...argv];
