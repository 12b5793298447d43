import { Client } from '@manouche/core';
import { createNewsroom } from '../src/project';

describe('newsroom home page', () => {
  const client = new Client(createNewsroom());

  it('serves a real page with its stylesheet', async () => {
    const response = await client.get('/');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<h1>The Newsroom</h1>');
    const css = await client.get('/static/newsroom/site.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});
