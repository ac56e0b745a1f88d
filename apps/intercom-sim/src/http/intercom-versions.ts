/** Versions the 2.14 OpenAPI lists, plus later ones and `Unstable`; all behave as 2.14 here. */
export const knownIntercomVersions: ReadonlySet<string> = new Set([
  ...['1.0', '1.1', '1.2', '1.3', '1.4'],
  ...Array.from({ length: 17 }, (_, minor) => `2.${minor}`),
  'Unstable',
]);

/** What applies when a request names no version (an app's default; 2.14 for the simulator). */
export const defaultIntercomVersion = '2.14';
