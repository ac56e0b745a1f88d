import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/testkit/src/repo-root.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
