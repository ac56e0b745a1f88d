import type { Command } from '../args.ts';
import { preflight } from './preflight/command.ts';
import { tokenCheck } from './token-check.ts';

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [preflight, tokenCheck];
