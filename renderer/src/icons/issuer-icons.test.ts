import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { IssuerIcon } from './IssuerIcon.js';
import {
  colours, contrastRatio, fallbackLetter, findIssuerIcon, ISSUER_TABLE, letterTileColour, lookFor, MIN_GLYPH_CONTRAST,
  MIN_LETTER_CONTRAST, normalizeIssuer, relativeLuminance,
} from './issuer-icons.js';

const titleOf = (issuer: string, label?: string) => findIssuerIcon(issuer, label)?.title;

describe('WCAG luminance and contrast', () => {
  it('matches the known values', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('FFFFFF')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 10);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    // The classic near-miss: #777 on white is 4.48:1, #767676 the lightest grey that passes 4.5:1.
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(relativeLuminance('#ff0000')).toBeCloseTo(0.2126, 4);
    expect(relativeLuminance('#00ff00')).toBeCloseTo(0.7152, 4);
    expect(relativeLuminance('#0000ff')).toBeCloseTo(0.0722, 4);
    expect(() => relativeLuminance('#fff')).toThrow();
  });
});

describe('findIssuerIcon', () => {
  it.each([
    ['Google', 'Google'], ['google', 'Google'], ['GOOGLE', 'Google'], ['Gmail', 'Google'], ['google.com', 'Google'],
    ['accounts.google.com', 'Google'], ['https://accounts.google.com/signin', 'Google'], ['Google Account', 'Google'],
    ['Google Cloud', 'Google'], ['GitHub', 'GitHub'], ['github.com', 'GitHub'], ['GitHub (work)', 'GitHub'],
    ['GitHub: alice', 'GitHub'], ['GitHub Enterprise', 'GitHub'], ['Twitter', 'X'], ['X', 'X'], ['x.com', 'X'],
    ['twitter.com', 'X'], ['Battle.net', 'Battle.net'], ['Blizzard', 'Battle.net'], ['Linode', 'Akamai'],
    ['cloud.linode.com', 'Akamai'], ['Proton Mail', 'Proton'], ['ProtonMail', 'Proton'], ['Tutanota', 'Tuta'],
    ['Hetzner Cloud Console', 'Hetzner'], ['Hetzner - Robot', 'Hetzner'], ['paypal.co.uk', 'PayPal'],
    ['id.atlassian.com', 'Atlassian'], ['Jira', 'Atlassian'], ['Epic Games', 'Epic Games'], ['1Password', '1Password'],
    ['npm', 'npm'], ['npmjs.com', 'npm'], ['PyPI', 'PyPI'], ['Docker Hub', 'Docker'], ['Steam', 'Steam'], ['steamcommunity.com', 'Steam'],
    ['Sony', 'PlayStation'], ['TransferWise', 'Wise'], ['Coinbase Pro', 'Coinbase'], ['mastodon.social', 'Mastodon'],
    ['bsky.app', 'Bluesky'], ['Apple ID', 'Apple'], ['iCloud', 'Apple'], ['Bitwarden', 'Bitwarden'],
    ['Bitwarden Account', 'Bitwarden'], ['Proxmox VE', 'Proxmox'], ['Ubiquiti', 'Ubiquiti'], ['ui.com', 'Ubiquiti'],
    ['www.dropbox.com', 'Dropbox'], ['Nextcloud', 'Nextcloud'], ['Zoho Mail', 'Zoho'],
  ])('%s → %s', (issuer, title) => {
    expect(titleOf(issuer)).toBe(title);
  });

  it('folds case, accents, spaces and punctuation', () => {
    expect(normalizeIssuer('  Battle.NET ')).toBe('battlenet');
    expect(normalizeIssuer('Épic Gâmes!')).toBe('epicgames');
    expect(titleOf('Épic Gâmes')).toBe('Epic Games');
    expect(titleOf('git-hub')).toBe('GitHub');
  });

  it.each(['Acme', 'My Bank', 'example.com', 'mail.example.org', 'gitlab.example.org', 'x.ai', 'Microsoft', 'Amazon',
    'Amazon Web Services', 'Slack', 'Heroku', 'Кошелёк', '  ', 'Account', 'Login'])('leaves %j without an icon', (issuer) => {
    expect(findIssuerIcon(issuer)).toBeUndefined();
  });

  it('uses the label only when the issuer is blank, and never an e-mail domain', () => {
    expect(titleOf('', 'GitHub:alice')).toBe('GitHub');
    expect(titleOf('', 'Discord')).toBe('Discord');
    expect(titleOf('', 'alice@gmail.com')).toBeUndefined();
    expect(titleOf('Acme', 'alice@gmail.com')).toBeUndefined();
    expect(titleOf('Acme Corp', 'GitHub')).toBeUndefined();
    expect(titleOf('GitHub', 'alice@example.com')).toBe('GitHub');
    expect(titleOf('', '')).toBeUndefined();
    expect(titleOf('')).toBeUndefined();
  });

  it('holds 120 to 200 services, each found by its title, slug, aliases and domains', () => {
    expect(ISSUER_TABLE.length).toBeGreaterThanOrEqual(120);
    expect(ISSUER_TABLE.length).toBeLessThanOrEqual(200);
    for (const entry of ISSUER_TABLE) {
      const title = entry.icon.title;
      for (const name of [title, entry.icon.slug, ...entry.aliases, ...entry.domains]) expect(titleOf(name), name).toBe(title);
      const icon = findIssuerIcon(title);
      expect(icon?.hex, title).toMatch(/^[0-9A-F]{6}$/i);
      expect(icon?.path, title).toMatch(/^[Mm][\d.\s,-]/);
    }
  });
});

describe('contrast of every glyph', () => {
  it.each(ISSUER_TABLE.map((entry) => [entry.icon.title, entry.icon.hex] as const))('%s (#%s) reads at 3:1 in both themes', (_title, hex) => {
    const look = lookFor(hex);
    for (const theme of ['light', 'dark'] as const) {
      const { tile, glyph } = colours(look, hex, theme);
      expect(contrastRatio(glyph, tile), `${theme}: ${glyph} on ${tile} (${look})`).toBeGreaterThanOrEqual(MIN_GLYPH_CONTRAST);
    }
  });

  it('has a look for every colour, not only the listed ones', () => {
    for (let v = 0; v < 0x1000000; v += 0x010307) {
      const hex = v.toString(16).padStart(6, '0');
      const look = lookFor(hex);
      for (const theme of ['light', 'dark'] as const) {
        const { tile, glyph } = colours(look, hex, theme);
        expect(contrastRatio(glyph, tile), hex).toBeGreaterThanOrEqual(MIN_GLYPH_CONTRAST);
      }
    }
  });

  it('draws neutral brands in the theme ink and keeps coloured ones in their colour', () => {
    expect(lookFor('181717')).toBe('ink-in-dark'); // GitHub
    expect(lookFor('FFFFFF')).toBe('ink-in-light'); // Sony's white
    expect(lookFor('002991')).toBe('light-tile'); // PayPal
    expect(lookFor('FFFC00')).toBe('dark-tile'); // Snapchat
    expect(lookFor('FF4500')).toBe('theme'); // Reddit
  });
});

describe('letter tiles', () => {
  it('takes the first letter or digit of the issuer, else the label', () => {
    expect(fallbackLetter('acme')).toBe('A');
    expect(fallbackLetter('  (bank) ')).toBe('B');
    expect(fallbackLetter('', 'zed@example.com')).toBe('Z');
    expect(fallbackLetter('ąb')).toBe('Ą');
    expect(fallbackLetter('7-Eleven')).toBe('7');
    expect(fallbackLetter('', '')).toBe('?');
  });

  it('gives a name the same colour whatever its case and spacing, and white text at 4.5:1', () => {
    expect(letterTileColour('Acme Bank')).toBe(letterTileColour('acme-bank'));
    expect(letterTileColour('', 'Acme Bank')).toBe(letterTileColour('Acme Bank'));
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const colour = letterTileColour(`Service ${String(i)}`);
      seen.add(colour);
      expect(colour).toMatch(/^#[0-9a-f]{6}$/);
      expect(contrastRatio(colour, '#ffffff')).toBeGreaterThanOrEqual(MIN_LETTER_CONTRAST);
    }
    expect(seen.size).toBeGreaterThan(100);
    expect(contrastRatio(letterTileColour('Кошелёк'), '#ffffff')).toBeGreaterThanOrEqual(MIN_LETTER_CONTRAST);
  });
});

describe('<IssuerIcon>', () => {
  const render = (issuer: string, label?: string, size?: 'small' | 'medium' | 'large') =>
    renderToStaticMarkup(createElement(IssuerIcon, { issuer, label, size }));

  it('draws a known brand as an inline svg path, hidden from assistive technology', () => {
    const html = render('GitHub');
    const github = findIssuerIcon('GitHub');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain(`d="${github?.path ?? 'missing'}"`);
    expect(html).toContain('color="#181717"');
    expect(html).toContain('issuer-icon--ink-in-dark');
    expect(html).toContain('issuer-icon--medium');
    expect(render('Snapchat', undefined, 'large')).toMatch(/issuer-icon--large[^"]*issuer-icon--dark-tile/);
  });

  it('draws an unknown issuer as its letter on its colour', () => {
    const html = render('Acme Bank');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain('>A</text>');
    expect(html).toContain(`fill="${letterTileColour('Acme Bank')}"`);
  });

  it('stays within the CSP: no style attributes, no markup strings, no data: or remote URLs', () => {
    for (const html of [render('GitHub'), render('Acme'), render('', 'Discord'), render('', '')]) {
      expect(html).not.toMatch(/style=|data:|https?:|<img|<image|<script/);
    }
  });
});
