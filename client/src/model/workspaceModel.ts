import type * as Y from 'yjs';

/**
 * The client's view of the workspace index doc. The index layout belongs to the shared model;
 * this module only adapts it to what the sync layer and the views need.
 */
export function listDocIds(_indexDoc: Y.Doc): string[] {
  return [];
}
