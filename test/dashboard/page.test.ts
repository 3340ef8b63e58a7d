/**
 * renderDashboardPage: self-contained (no external URL anywhere), options escaped into the HTML,
 * and a CSP whose hashes match exactly the inline script and style it ships.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dashboardContentSecurityPolicy, renderDashboardPage } from '../../src/dashboard/index.ts';

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('renderDashboardPage', () => {
  const html = renderDashboardPage();

  it('pins its inline script and style by hash in the CSP, and allows nothing else', () => {
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1];
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1];
    expect(script).toBeTruthy();
    expect(style).toBeTruthy();
    const csp = dashboardContentSecurityPolicy();
    expect(csp).toContain(`script-src ${hash(script!)}`);
    expect(csp).toContain(`style-src ${hash(style!)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
  });

  it('requests nothing from another origin', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('escapes the title and the API path', () => {
    const page = renderDashboardPage({ title: '<script>alert(1)</script> & co', apiPath: '/api/"x"' });
    expect(page).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>');
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('data-api="/api/&quot;x&quot;"');
    expect(renderDashboardPage({ pollMs: 1 })).toContain('data-poll-ms="250"');
  });
});
