import {
  readIndexedPages as readIndexedPagesIn,
  readSearchIndex as readSearchIndexIn,
} from '../../../src/integrations/sealed/public-output';
import { distDir } from './dist';

/** Every Pagefind index file of this build decompressed, as text. */
export function readSearchIndex(): { file: string; text: string }[] {
  return readSearchIndexIn(distDir);
}

/** The pages this build's search index holds. */
export function readIndexedPages(): { url: string; content: string }[] {
  return readIndexedPagesIn(distDir);
}
