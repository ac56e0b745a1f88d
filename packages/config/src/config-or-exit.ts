import { isAppError } from '@relay/errors';

/** EX_CONFIG (sysexits.h): the configuration is wrong, and restarting will not fix it. */
export const EXIT_CONFIG = 78;

/**
 * Runs an app's loadConfig at boot. A bad configuration prints its one message, which lists
 * every problem, on stderr and exits with EXIT_CONFIG, without a stack trace: a stack points
 * at our code, the message at the deployment's mistake. Any other error is thrown as it is.
 */
export function configOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!isAppError(error) || error.code !== 'CONFIG_INVALID') throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}
