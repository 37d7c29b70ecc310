import { Auth, SqliteStore, sqlitePath } from '@grassroots/server';

/** A workspace made straight in the data folder, with one editor token per writer identity. */
export type SeededWorkspace = { workspaceId: string; tokens: string[] };

/**
 * Creates a workspace and `members` editors in `<dataDir>/grassroots.sqlite` before any relay
 * runs, so that writers can authenticate as distinct authors.
 */
export async function seedWorkspace(dataDir: string, members: number): Promise<SeededWorkspace> {
  const store = new SqliteStore(sqlitePath(dataDir));
  try {
    const auth = new Auth(store);
    const created = await auth.createWorkspace('压测村');
    const tokens: string[] = [];
    for (let i = 0; i < members; i++) {
      const invite = await auth.createInvite(created.workspace.id, created.admin.id, {
        role: 'editor',
      });
      tokens.push((await auth.redeem(invite.token, `writer-${i}`)).token);
    }
    return { workspaceId: created.workspace.id, tokens };
  } finally {
    await store.close();
  }
}
