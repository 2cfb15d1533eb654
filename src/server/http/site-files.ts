import path from 'node:path';
import { SealedFiles } from './sealed-files.ts';

/**
 * The built HTML only functions read: sealed pages and form-page shells, in
 * `sealed/` beside the function bundle (netlify.toml `included_files`), or in
 * the working directory when served locally. Read once per process.
 */
export const siteFiles = new SealedFiles(path.resolve('sealed'));
