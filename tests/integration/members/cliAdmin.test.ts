import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FsBlobStore } from '@grassroots/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspaceWithCli, repoRoot, runCli, startRelay } from '../../support/process.ts';
import { tempDir } from '../../support/server.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

type Created = {
  workspaceId: string;
  adminMemberId: string;
  adminName: string;
  adminToken: string;
  inviteUrl: string;
};

/** `workspace create` without PORT or PUBLIC_URL from the test runner's own environment. */
const create = (args: string[], env: Record<string, string> = {}) =>
  runCli(['workspace', 'create', '示范村', '--data', tempDir(), ...args], {
    PORT: '',
    PUBLIC_URL: '',
    ...env,
  });

describe('workspace create and its first admin', () => {
  it('MEM-5 without --admin-name and without a terminal it refuses, naming the flag', async () => {
    const result = await create([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--admin-name/);
    expect(result.stdout).toBe('');
  });

  it("MEM-5 on a terminal it asks for the first admin's name", async () => {
    // util-linux `script` gives the CLI a pseudo-terminal, as an operator's shell would.
    const dataDir = tempDir();
    const command = `${process.execPath} --import tsx server/src/main.ts workspace create 示范村 --data ${dataDir}`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '', PUBLIC_URL: '' },
    });
    cleanups.push(() => child.kill('SIGKILL'));
    let output = '';
    let hasAnswered = false;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!hasAnswered && output.includes("First admin's name")) {
        hasAnswered = true;
        child.stdin.write('张书记\n');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    expect(hasAnswered).toBe(true);
    const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
    expect((JSON.parse(json) as Created).adminName).toBe('张书记');
  });

  it('MEM-5 a name that is empty or too long is refused', async () => {
    expect((await create(['--admin-name', '  '])).code).toBe(2);
    expect((await create(['--admin-name', '长'.repeat(41)])).code).toBe(2);
  });

  it('MEM-5 the invite URL uses the port and public URL serve would use (flags over environment)', async () => {
    const url = async (args: string[], env: Record<string, string> = {}) => {
      const result = await create(['--admin-name', '王书记', ...args], env);
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as Created).inviteUrl;
    };
    expect(await url([])).toMatch(/^http:\/\/localhost:4321\/#\/join\/gri_/);
    expect(await url(['--port', '8080'])).toMatch(/^http:\/\/localhost:8080\/#\/join\/gri_/);
    expect(await url([], { PORT: '9090' })).toMatch(/^http:\/\/localhost:9090\/#\/join\/gri_/);
    expect(await url(['--port', '8080'], { PORT: '9090' })).toMatch(/^http:\/\/localhost:8080\//);
    expect(await url([], { PUBLIC_URL: 'https://cun.example.cn/' })).toMatch(
      /^https:\/\/cun\.example\.cn\/#\/join\/gri_/,
    );
    expect(
      await url(['--public-url', 'https://xian.example.cn/grassroots'], {
        PUBLIC_URL: 'https://cun.example.cn',
        PORT: '9090',
      }),
    ).toMatch(/^https:\/\/xian\.example\.cn\/grassroots\/#\/join\/gri_/);
    const bad = await create(['--admin-name', '王书记', '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/port/);
    // Seven runs of the CLI, each a Node start-up: generous on a busy 2-core machine.
  }, 180_000);

  it('MEM-5 the printed invite makes its opener the named admin, the only member', async () => {
    const dataDir = tempDir();
    const result = await runCli([
      'workspace',
      'create',
      '示范村',
      '--admin-name',
      '王书记',
      '--data',
      dataDir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as Created;
    expect(created.adminName).toBe('王书记');
    const relay = await startRelay({ dataDir });
    cleanups.push(() => void relay.kill());
    const token = created.inviteUrl.split('#/join/')[1]!;
    const preview = await fetch(`${relay.url}/api/invites/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(await preview.json()).toMatchObject({ role: 'admin', displayName: '王书记' });
    const redeem = await fetch(`${relay.url}/api/invites/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, displayName: '王书记' }),
    });
    expect(redeem.status).toBe(201);
    const device = (await redeem.json()) as { memberId: string; memberToken: string };
    expect(device.memberId).toBe(created.adminMemberId);
    const list = await fetch(`${relay.url}/api/workspaces/${created.workspaceId}/members`, {
      headers: { authorization: `Bearer ${device.memberToken}` },
    });
    const { members } = (await list.json()) as {
      members: { id: string; displayName: string; role: string }[];
    };
    expect(members).toEqual([
      expect.objectContaining({ id: created.adminMemberId, displayName: '王书记', role: 'admin' }),
    ]);
  });
});

describe("the operator's member commands", () => {
  it("MEM-6 workspace list, member list and member new-device: a link for the only admin's new phone that signs the old one out", async () => {
    const dataDir = tempDir();
    const created = await createWorkspaceWithCli(dataDir);

    // A photo of 1.5 MiB attached: the operator sees what the files take of the limit.
    const photo = Uint8Array.from({ length: 1536 * 1024 }, (_, i) => i % 251);
    await new FsBlobStore(join(dataDir, 'blobs')).write(
      created.workspaceId,
      createHash('sha256').update(photo).digest('hex'),
      { type: 'image/jpeg', size: photo.length },
      0,
      photo,
    );
    const workspaces = await runCli(['workspace', 'list', '--data', dataDir], {
      WORKSPACE_BLOB_QUOTA_MB: '500',
    });
    expect(workspaces.code, workspaces.stderr).toBe(0);
    expect(JSON.parse(workspaces.stdout)).toEqual([
      expect.objectContaining({
        id: created.workspaceId,
        name: '示范村',
        members: 1,
        admins: ['王书记'],
        files: 1,
        filesMb: 2,
        fileQuotaMb: 500,
      }),
    ]);
    const members = await runCli([
      'member',
      'list',
      '--workspace',
      created.workspaceId,
      '--data',
      dataDir,
    ]);
    expect(JSON.parse(members.stdout)).toEqual([
      { id: created.adminMemberId, displayName: '王书记', role: 'admin', removed: false },
    ]);

    const link = await runCli(
      [
        'member',
        'new-device',
        '--workspace',
        created.workspaceId,
        '--member',
        '王书记',
        '--data',
        dataDir,
        '--public-url',
        'https://cun.example.cn',
      ],
      { PORT: '', PUBLIC_URL: '' },
    );
    expect(link.code, link.stderr).toBe(0);
    const { url, member } = JSON.parse(link.stdout) as { url: string; member: { id: string } };
    expect(member.id).toBe(created.adminMemberId);
    expect(url).toMatch(/^https:\/\/cun\.example\.cn\/#\/join\/gri_/);

    const relay = await startRelay({ dataDir });
    cleanups.push(() => void relay.kill());
    const redeem = await fetch(`${relay.url}/api/invites/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: url.split('#/join/')[1], displayName: '王书记' }),
    });
    expect(redeem.status).toBe(201);
    expect(((await redeem.json()) as { memberId: string }).memberId).toBe(created.adminMemberId);
    const old = await fetch(`${relay.url}/api/workspaces/${created.workspaceId}`, {
      headers: { authorization: `Bearer ${created.adminToken}` },
    });
    expect(old.status).toBe(401);

    const unknown = await runCli([
      'member',
      'new-device',
      '--workspace',
      created.workspaceId,
      '--member',
      '李四',
      '--data',
      dataDir,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no member 李四/);
    const noWorkspace = await runCli([
      'member',
      'list',
      '--workspace',
      'AAAAAAAAAAAAAAAA',
      '--data',
      dataDir,
    ]);
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toMatch(/workspace list/);
  }, 120_000);
});

describe("the operator's file limit of one workspace", () => {
  it('BLOB-10 workspace file-limit: one village gets more room while the relay runs, then none, then the relay’s again', async () => {
    const dataDir = tempDir();
    const created = await createWorkspaceWithCli(dataDir);
    const relay = await startRelay({ dataDir, env: { WORKSPACE_BLOB_QUOTA_MB: '1' } });
    cleanups.push(() => void relay.kill());
    const auth = { authorization: `Bearer ${created.adminToken}` };
    const hash = createHash('sha256').update('一张 1.5 MiB 的照片').digest('hex');
    /** Whether the relay would take a new photo of 1.5 MiB, as a phone asks before sending. */
    const ask = async () =>
      (
        await fetch(
          `${relay.url}/api/workspaces/${created.workspaceId}/blobs/${hash}/upload?size=${1536 * 1024}`,
          { headers: auth },
        )
      ).status;
    const quota = async () =>
      (
        (await (
          await fetch(`${relay.url}/api/workspaces/${created.workspaceId}/blobs`, { headers: auth })
        ).json()) as { quotaBytes: number | null }
      ).quotaBytes;
    const setLimit = (mb: string) =>
      runCli([
        'workspace',
        'file-limit',
        '--workspace',
        created.workspaceId,
        '--mb',
        mb,
        '--data',
        dataDir,
      ]);

    expect(await ask()).toBe(507);
    const raised = await setLimit('10');
    expect(raised.code, raised.stderr).toBe(0);
    expect(JSON.parse(raised.stdout)).toEqual(
      expect.objectContaining({ id: created.workspaceId, fileQuotaMb: 10, ownFileQuota: true }),
    );
    // The running relay applies it to the next upload: no restart.
    expect(await ask()).toBe(200);
    expect(await quota()).toBe(10 * 1024 * 1024);

    expect((await setLimit('none')).code).toBe(0);
    expect(await quota()).toBeNull();
    const list = await runCli(['workspace', 'list', '--data', dataDir], {
      WORKSPACE_BLOB_QUOTA_MB: '1',
    });
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: created.workspaceId, fileQuotaMb: null, ownFileQuota: true }),
    ]);

    const back = await setLimit('default');
    expect(back.code, back.stderr).toBe(0);
    expect(await ask()).toBe(507);
    expect(await quota()).toBe(1024 * 1024);

    for (const bad of ['0', '1.5']) {
      const refused = await setLimit(bad);
      expect(refused.code, bad).toBe(2);
      expect(refused.stderr, bad).toMatch(/--mb takes a whole number/);
    }
    const nowhere = await runCli([
      'workspace',
      'file-limit',
      '--workspace',
      'AAAAAAAAAAAAAAAA',
      '--mb',
      '5',
      '--data',
      dataDir,
    ]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/no workspace AAAAAAAAAAAAAAAA/);
  }, 120_000);
});
