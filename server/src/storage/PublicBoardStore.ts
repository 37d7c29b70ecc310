/** A workspace's public board link: the random id in `/p/<publicId>`. */
export type PublicBoard = { workspaceId: string; publicId: string; createdAt: number };

/**
 * One version of a published item. Publishing an item again adds a version (the public page
 * shows the latest); withdrawing marks the latest version. Versions are never deleted: the
 * members' history of what was published when, by whom, and withdrawn when, by whom.
 */
export type StoredPublication = {
  workspaceId: string;
  /** The board key (`<kind>-<sourceId>`). */
  itemId: string;
  /** 1 for the first publication of the item, counting up. */
  version: number;
  kind: string;
  title: string;
  /** The item as published, JSON (validated on the way in and again on the way out). */
  content: string;
  publishedBy: string;
  publishedAt: number;
  withdrawnBy: string | null;
  withdrawnAt: number | null;
};

/** A live item: its latest version, not withdrawn, and when it was first published. */
export type LivePublication = StoredPublication & { firstPublishedAt: number };

/** The new version of an item, as `publishItem` takes it. */
export type NewPublication = Omit<StoredPublication, 'version' | 'withdrawnBy' | 'withdrawnAt'>;

/** The public board: its link and the publication log (PUB-1…). */
export interface PublicBoardStore {
  /** The workspace's board, or null before anything was published or a link made. */
  getPublicBoard(workspaceId: string): Promise<PublicBoard | null>;
  /** The board behind a public id; null for an unknown id and for a rotated-away one. */
  findPublicBoard(publicId: string): Promise<PublicBoard | null>;
  /**
   * Gives the workspace a public id (`replace`: always, the old one stops working; otherwise
   * only when it has none) and resolves the board as it is now.
   */
  setPublicId(
    workspaceId: string,
    publicId: string,
    at: number,
    options: { replace: boolean },
  ): Promise<PublicBoard>;
  /** Adds the next version of an item atomically; resolves it with its version number. */
  publishItem(publication: NewPublication): Promise<StoredPublication>;
  /** Withdraws an item's live version; resolves false when the item is not live. */
  withdrawItem(workspaceId: string, itemId: string, by: string, at: number): Promise<boolean>;
  /**
   * A short string that changes whenever the workspace publishes or withdraws an item (PUB-10):
   * the public page is rendered again only when it changed, without reading the items.
   */
  boardVersion(workspaceId: string): Promise<string>;
  /** The workspace's live items, most recently published first. */
  listLiveItems(workspaceId: string): Promise<LivePublication[]>;
  /** Every version of every item of the workspace, most recently published first. */
  listPublications(workspaceId: string): Promise<StoredPublication[]>;
}

/** The columns of a publication row under their field names (`p` is the table alias). */
export const PUBLICATION_COLUMNS = (p: string): string =>
  [
    ['workspace_id', 'workspaceId'],
    ['item_id', 'itemId'],
    ['version', 'version'],
    ['kind', 'kind'],
    ['title', 'title'],
    ['content', 'content'],
    ['published_by', 'publishedBy'],
    ['published_at', 'publishedAt'],
    ['withdrawn_by', 'withdrawnBy'],
    ['withdrawn_at', 'withdrawnAt'],
  ]
    .map(([column, field]) => `${p}.${column} AS "${field}"`)
    .join(', ');
