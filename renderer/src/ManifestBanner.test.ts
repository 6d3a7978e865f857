import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ManifestBanner } from './ManifestBanner.js';

describe('ManifestBanner', () => {
  it('says the vault was changed outside Latchkey and how to resolve it, as an alert', () => {
    const html = renderToStaticMarkup(createElement(ManifestBanner, { manifest: 'mismatch' }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('changed outside Latchkey');
    expect(html).toContain('<code>latchkey vault verify</code>');
    expect(html).toContain('<code>latchkey vault verify --accept</code>');
  });

  it('is not shown when the manifest matches, or when the vault is locked (no manifest known)', () => {
    expect(renderToStaticMarkup(createElement(ManifestBanner, { manifest: 'ok' }))).toBe('');
    expect(renderToStaticMarkup(createElement(ManifestBanner, { manifest: undefined }))).toBe('');
  });
});
