import { getConfig } from '../config.ts';
import { SealedFiles } from './sealed-files.ts';

/**
 * The built HTML only functions read: sealed pages and form-page shells, in
 * the configured sealed folder (`sealed/` found from the code: the project's
 * when run from source, the bundle's in a deployed function). Read once per
 * file per process.
 */
export const siteFiles = new SealedFiles(() => getConfig().sealedDir);
