/** A document an admin deleted: what the list showed of it, who deleted it and when. */
export type DeletedDoc = {
  workspaceId: string;
  docId: string;
  /** The kind, title and creation time its index entry had, to list it again when restored. */
  kind: string;
  title: string;
  createdAt: number;
  deletedBy: string;
  deletedAt: number;
};

/**
 * The register of deleted documents. A deleted document's updates stay in the `DocStore`; this
 * only records that it is deleted, so the relay keeps its room to admins (DEL-1) and refuses
 * relisting it (DEL-2) until an admin restores it.
 */
export interface DeletedDocStore {
  /** Records a document as deleted (replacing an earlier record of it). */
  markDocDeleted(doc: DeletedDoc): Promise<void>;
  /** Forgets the deletion; resolves false when the document was not deleted. */
  unmarkDocDeleted(workspaceId: string, docId: string): Promise<boolean>;
  /** The workspace's deleted documents, most recently deleted first. */
  listDeletedDocs(workspaceId: string): Promise<DeletedDoc[]>;
}
