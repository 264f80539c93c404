import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getJson, postJson } from '../../testing/raw-client.ts';
import { startTestServer, type TestServer } from '../../testing/server.ts';

describe('id tokens API: filters and search', () => {
  let server: TestServer;
  const api = (path: string) => `${server.baseUrl}/api/v1${path}`;
  before(async () => {
    server = await startTestServer();
    await postJson(api('/id-token-groups'), { id: 'NIGHT' });
    await postJson(api('/id-tokens'), { token: 'CARD-100', label: 'Driver 100%', groupId: 'NIGHT' });
    await postJson(api('/id-tokens'), { token: 'CARD-200', label: 'Driver two', status: 'blocked' });
    await postJson(api('/id-tokens'), { token: 'TAG_300', label: 'Spare', groupId: 'NIGHT' });
  });
  after(() => server.stop());

  const tokens = async (query: string) => (await getJson(api(`/id-tokens?${query}`))).body;

  it('filters by status and group, searches token and label, and pages with a total', async () => {
    assert.deepEqual((await tokens('status=blocked')).items.map((t: any) => t.token), ['CARD-200']);
    assert.deepEqual((await tokens('groupId=NIGHT')).items.map((t: any) => t.token), ['CARD-100', 'TAG_300']);
    assert.deepEqual((await tokens('search=driver')).items.map((t: any) => t.token), ['CARD-100', 'CARD-200']);
    const page = await tokens('limit=1&offset=1');
    assert.deepEqual([page.total, page.items.map((t: any) => t.token)], [3, ['CARD-200']]);
  });

  it('treats LIKE wildcards in the search text literally', async () => {
    assert.deepEqual((await tokens('search=%25')).items.map((t: any) => t.token), ['CARD-100'], "'%' matches only the label holding a percent sign");
    assert.deepEqual((await tokens('search=_')).items.map((t: any) => t.token), ['TAG_300'], "'_' matches only the token holding an underscore");
  });
});
