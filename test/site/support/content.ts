import {
  readCollection as readCollectionAt,
  sealedSentences as sealedSentencesAt,
  type SourceEntry,
} from '../../../src/integrations/sealed/sealed-text';
import { root } from './dist';

export { sentencesOf, type SourceEntry } from '../../../src/integrations/sealed/sealed-text';

/** The entries of `content/<collection>/` in this repository. */
export function readCollection(collection: string): SourceEntry[] {
  return readCollectionAt(root, collection);
}

/** Sentences only this repository's sealed content contains. */
export function sealedSentences(perEntry = 3): string[] {
  return sealedSentencesAt(root, perEntry);
}
