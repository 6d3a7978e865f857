/**
 * Brand glyphs for the issuers people most often keep in an authenticator, bundled offline.
 *
 * The glyph data comes from the `simple-icons` package (CC0-1.0) by named import, so the bundler keeps only the
 * icons listed here. Brands that simple-icons no longer carries (Microsoft, Amazon/AWS, LinkedIn, Slack,
 * Salesforce, Adobe, Nintendo, Xbox, Yahoo, Heroku, Fastmail, Kraken, …) are simply absent and get the letter tile,
 * and so are brands whose glyph is a long wordmark or a detailed picture that is illegible at tile size (Samsung,
 * Synology, VMware, Garmin, Intuit, Packagist, …), where the letter reads better.
 * The trademarks stay their owners': the glyphs only identify the account next to its name.
 */
import {
  si1password, siAddydotio, siAirtable, siAkamai, siAlibabacloud, siAnydesk, siApple, siAsana, siAtlassian, siAuth0,
  siAuthelia, siAuthentik, siAutodesk, siBackblaze, siBattledotnet, siBinance, siBitbucket, siBitdefender,
  siBitwarden, siBlockchaindotcom, siBluesky, siBox, siBrevo, siBugcrowd, siBunnydotnet, siChessdotcom, siCircleci,
  siClickup, siCloudflare, siCodeberg, siCoinbase, siDashlane, siDatadog, siDigitalocean, siDiscord, siDocker,
  siDropbox, siEa, siEbay, siElement, siEnte, siEpicgames, siEtsy, siEvernote, siExpressvpn, siFacebook, siFigma,
  siFlydotio, siForgejo, siFortinet, siGandi, siGitea, siGithub, siGitlab, siGodaddy, siGogdotcom, siGoogle,
  siGrafana, siHackerone, siHackthebox, siHashicorp, siHetzner, siHey, siHomeassistant, siHostinger, siHuawei,
  siHubspot, siHuggingface, siHumblebundle, siInstagram, siIonos, siItchdotio, siJetbrains, siJfrog, siKagi,
  siKeeper, siKeybase, siKickstarter, siKucoin, siLastpass, siLichess, siLinear, siMailbox, siMailchimp, siMastodon,
  siMattermost, siMega, siMeta, siMigadu, siMongodb, siMozilla, siNamecheap, siNetlify, siNewrelic, siNextcloud,
  siNordvpn, siNotion, siNpm, siNuget, siNvidia, siOkta, siOkx, siOpnsense, siOvh, siPagerduty, siPaloaltonetworks,
  siPatreon, siPaypal, siPfsense, siPinterest, siPlaystation, siPlex, siPorkbun, siPostman, siPrivateinternetaccess,
  siProton, siProxmox, siPypi, siQuickbooks, siRailway, siReddit, siRender, siRevolut, siRiotgames, siRobinhood,
  siRoblox, siRockstargames, siRubygems, siScaleway, siSentry, siShopify, siSimplelogin, siSnapchat, siSnyk,
  siSourceforge, siSourcehut, siSquare, siSquareenix, siSquarespace, siSteam, siStripe, siSupabase, siSurfshark,
  siTailscale, siTeamviewer, siTerraform, siThreads, siTiktok, siTodoist, siTradingview, siTravisci, siTrello,
  siTruenas, siTumblr, siTuta, siTwitch, siUbiquiti, siUbisoft, siUphold, siVaultwarden, siVercel, siVrchat, siVultr,
  siWasabi, siWebex, siWebflow, siWise, siWix, siWordpress, siX, siXero, siXiaomi, siYubico, siZapier, siZendesk,
  siZerodha, siZerotier, siZoho, siZoom, siZulip,
} from 'simple-icons';

/** What the tile draws: the brand's name, its 24×24 SVG path and its colour as six hex digits (no `#`). */
export interface IssuerIconData {
  readonly title: string;
  readonly path: string;
  readonly hex: string;
}

interface Brand {
  readonly title: string;
  readonly slug: string;
  readonly path: string;
  readonly hex: string;
}

/** One service: its glyph, extra names it goes by (beyond the glyph's title and slug), and its own domains. */
interface Entry {
  readonly icon: Brand;
  readonly aliases: readonly string[];
  readonly domains: readonly string[];
}

const e = (icon: Brand, aliases: readonly string[] = [], domains: readonly string[] = []): Entry => ({ icon, aliases, domains });

/**
 * The curated table. A service is found by its normalised title, slug or an alias, or by a host name under one of
 * its domains; a bare `name.tld` host is also tried as the name, so `github.com` needs no entry of its own.
 */
export const ISSUER_TABLE: readonly Entry[] = [
  // Accounts, mail and identity
  e(siGoogle, ['gmail', 'googlemail', 'googleaccount', 'googleworkspace', 'gsuite', 'googlecloud', 'googlecloudplatform', 'gcp', 'firebase', 'youtube'], ['google.com', 'gmail.com', 'googlemail.com', 'youtube.com', 'cloud.google.com']),
  e(siApple, ['appleid', 'icloud', 'applecom'], ['apple.com', 'icloud.com', 'appleid.apple.com']),
  e(siProton, ['protonmail', 'protonvpn', 'protonpass', 'protondrive', 'protoncalendar', 'protonag', 'protonme', 'protonch'], ['proton.me', 'protonmail.com', 'protonmail.ch', 'protonvpn.com']),
  e(siTuta, ['tutanota', 'tutamail', 'tutao'], ['tuta.com', 'tutanota.com', 'tuta.io']),
  e(siMailbox, ['mailboxorg'], ['mailbox.org']),
  e(siMigadu, [], ['migadu.com']),
  e(siHey, ['heycom', 'heymail'], ['hey.com']),
  e(siZoho, ['zohomail', 'zohocorp', 'zohoaccounts', 'zohoone'], ['zoho.com', 'zoho.eu', 'zoho.in']),
  e(siSimplelogin, [], ['simplelogin.io']),
  e(siAddydotio, ['addy', 'anonaddy'], ['addy.io', 'anonaddy.com']),
  e(siOkta, ['oktaverify'], ['okta.com', 'oktapreview.com']),
  e(siAuth0, [], ['auth0.com']),
  e(siAuthelia),
  e(siAuthentik),
  e(siYubico, [], ['yubico.com']),
  e(siXiaomi, ['miaccount', 'xiaomiaccount'], ['mi.com', 'xiaomi.com']),
  e(siHuawei, ['huaweiid'], ['huawei.com', 'huaweicloud.com']),
  e(siMozilla, ['firefox', 'firefoxaccounts', 'mozillaaccounts', 'mozillaaccount'], ['mozilla.org', 'mozilla.com', 'firefox.com']),
  e(siKagi, [], ['kagi.com']),

  // Password managers and privacy
  e(siBitwarden, ['bitwardenpasswordmanager'], ['bitwarden.com', 'bitwarden.eu']),
  e(siVaultwarden),
  e(si1password, ['onepassword', 'agilebits'], ['1password.com', '1password.eu', '1password.ca']),
  e(siLastpass, [], ['lastpass.com']),
  e(siKeeper, ['keepersecurity'], ['keepersecurity.com', 'keepersecurity.eu']),
  e(siDashlane, [], ['dashlane.com']),
  e(siEnte, ['enteio', 'enteauth', 'entephotos'], ['ente.io']),
  e(siNordvpn, ['nordaccount', 'nordpass', 'nordsecurity', 'nordlocker'], ['nordvpn.com', 'nordaccount.com', 'nordpass.com']),
  e(siExpressvpn, [], ['expressvpn.com']),
  e(siSurfshark, [], ['surfshark.com']),
  e(siPrivateinternetaccess, ['pia', 'piavpn'], ['privateinternetaccess.com']),

  // Social and chat
  e(siFacebook, ['fb', 'facebookcom'], ['facebook.com', 'fb.com']),
  e(siInstagram, [], ['instagram.com']),
  e(siMeta, ['metaaccountscenter', 'metaplatforms', 'oculus', 'metaquest'], ['meta.com', 'oculus.com']),
  e(siThreads, ['threadsnet'], ['threads.net', 'threads.com']),
  e(siX, ['twitter', 'twittercom', 'xcorp'], ['x.com', 'twitter.com']),
  e(siDiscord, ['discordapp'], ['discord.com', 'discordapp.com']),
  e(siReddit, [], ['reddit.com']),
  e(siTwitch, ['twitchtv'], ['twitch.tv']),
  e(siTumblr, [], ['tumblr.com']),
  e(siMastodon, ['mastodonsocial'], ['joinmastodon.org', 'mastodon.social', 'mastodon.online', 'mstdn.social', 'fosstodon.org', 'hachyderm.io', 'infosec.exchange']),
  e(siBluesky, ['bsky', 'bskyapp', 'blueskysocial'], ['bsky.app', 'bsky.social', 'blueskyweb.xyz']),
  e(siPinterest, [], ['pinterest.com']),
  e(siSnapchat, ['snapinc'], ['snapchat.com']),
  e(siTiktok, [], ['tiktok.com']),
  e(siElement, ['matrix', 'matrixorg', 'elementio'], ['element.io', 'matrix.org']),
  e(siKeybase, [], ['keybase.io']),
  e(siMattermost, [], ['mattermost.com']),
  e(siZulip, ['zulipchat'], ['zulip.com', 'zulipchat.com']),
  e(siZoom, ['zoomus', 'zoomvideo'], ['zoom.us', 'zoom.com']),
  e(siWebex, ['ciscowebex'], ['webex.com']),
  e(siPatreon, [], ['patreon.com']),
  e(siKickstarter, [], ['kickstarter.com']),

  // Code, packages and developer services
  e(siGithub, ['githubcom', 'githubenterprise'], ['github.com', 'githubusercontent.com']),
  e(siGitlab, ['gitlabcom'], ['gitlab.com']),
  e(siBitbucket, ['bitbucketorg'], ['bitbucket.org']),
  e(siAtlassian, ['jira', 'confluence', 'atlassianaccount', 'statuspage', 'opsgenie'], ['atlassian.com', 'atlassian.net']),
  e(siTrello, [], ['trello.com']),
  e(siCodeberg, [], ['codeberg.org']),
  e(siGitea, ['giteacom'], ['gitea.com']),
  e(siForgejo),
  e(siSourcehut, ['srht'], ['sr.ht', 'sourcehut.org']),
  e(siSourceforge, [], ['sourceforge.net']),
  e(siDocker, ['dockerhub', 'dockerinc'], ['docker.com', 'docker.io']),
  e(siNpm, ['npmjs', 'npmjscom', 'npmregistry'], ['npmjs.com', 'npmjs.org']),
  e(siPypi, ['pythonpackageindex', 'testpypi'], ['pypi.org', 'test.pypi.org']),
  e(siRubygems, ['rubygemsorg'], ['rubygems.org']),
  e(siNuget, ['nugetorg'], ['nuget.org']),
  e(siJfrog, ['artifactory'], ['jfrog.com', 'jfrog.io']),
  e(siJetbrains, ['jetbrainsaccount', 'jetbrainsaccountsvc'], ['jetbrains.com']),
  e(siCircleci, [], ['circleci.com']),
  e(siTravisci, ['travis'], ['travis-ci.com', 'travis-ci.org']),
  e(siSnyk, [], ['snyk.io']),
  e(siSentry, ['sentryio'], ['sentry.io']),
  e(siDatadog, ['datadoghq'], ['datadoghq.com', 'datadoghq.eu']),
  e(siNewrelic, [], ['newrelic.com']),
  e(siGrafana, ['grafanacloud', 'grafanalabs'], ['grafana.com', 'grafana.net']),
  e(siPagerduty, [], ['pagerduty.com']),
  e(siPostman, [], ['postman.com', 'getpostman.com']),
  e(siHuggingface, ['huggingfaceco'], ['huggingface.co', 'hf.co']),
  e(siLinear, ['linearapp'], ['linear.app']),
  e(siMongodb, ['mongodbatlas'], ['mongodb.com']),
  e(siSupabase, [], ['supabase.com', 'supabase.io']),
  e(siHashicorp, ['hcp', 'hashicorpcloudplatform'], ['hashicorp.com', 'hashicorp.cloud']),
  e(siTerraform, ['terraformcloud', 'hcpterraform', 'terraformio'], ['terraform.io']),

  // Hosting, cloud, domains and networking
  e(siCloudflare, [], ['cloudflare.com']),
  e(siDigitalocean, [], ['digitalocean.com']),
  e(siAkamai, ['linode', 'akamaicloud', 'akamaiconnectedcloud', 'linodecloud'], ['akamai.com', 'linode.com']),
  e(siHetzner, ['hetznercloud', 'hetznerrobot', 'hetznerconsole', 'konsoleh'], ['hetzner.com', 'hetzner.de', 'hetzner.cloud']),
  e(siOvh, ['ovhcloud', 'ovhcom', 'kimsufi', 'soyoustart'], ['ovh.com', 'ovhcloud.com', 'ovh.net', 'kimsufi.com']),
  e(siScaleway, [], ['scaleway.com']),
  e(siVultr, [], ['vultr.com']),
  e(siIonos, ['1and1', '1und1', 'ionoscloud'], ['ionos.com', 'ionos.de', 'ionos.co.uk', '1and1.com', '1und1.de']),
  e(siHostinger, [], ['hostinger.com']),
  e(siAlibabacloud, ['aliyun', 'alibaba'], ['alibabacloud.com', 'aliyun.com']),
  e(siBackblaze, ['backblazeb2'], ['backblaze.com']),
  e(siWasabi, ['wasabisys'], ['wasabisys.com', 'wasabi.com']),
  e(siBunnydotnet, ['bunnycdn'], ['bunny.net', 'bunnycdn.com']),
  e(siVercel, ['zeit'], ['vercel.com']),
  e(siNetlify, [], ['netlify.com', 'netlify.app']),
  e(siRender, ['rendercom'], ['render.com']),
  e(siRailway, ['railwayapp'], ['railway.app', 'railway.com']),
  e(siFlydotio, ['flyio'], ['fly.io']),
  e(siNamecheap, [], ['namecheap.com']),
  e(siGodaddy, [], ['godaddy.com']),
  e(siPorkbun, [], ['porkbun.com']),
  e(siGandi, ['gandinet'], ['gandi.net']),
  e(siTailscale, [], ['tailscale.com']),
  e(siZerotier, [], ['zerotier.com']),
  e(siProxmox, ['proxmoxve', 'pve', 'proxmoxbackupserver', 'proxmoxmailgateway'], ['proxmox.com']),
  e(siTruenas, ['freenas'], ['truenas.com']),
  e(siUbiquiti, ['unifi', 'uicom', 'ubnt'], ['ui.com', 'ubnt.com', 'ubiquiti.com']),
  e(siPfsense, ['netgate'], ['pfsense.org', 'netgate.com']),
  e(siOpnsense, [], ['opnsense.org']),
  e(siHomeassistant, ['hass', 'nabucasa'], ['home-assistant.io', 'nabucasa.com']),
  e(siNextcloud, [], ['nextcloud.com']),
  e(siPlex, ['plextv'], ['plex.tv']),
  e(siTeamviewer, [], ['teamviewer.com']),
  e(siAnydesk, [], ['anydesk.com']),
  e(siFortinet, ['fortitoken', 'forticlient', 'fortigate', 'forticloud'], ['fortinet.com', 'forticloud.com']),
  e(siPaloaltonetworks, ['globalprotect', 'paloalto', 'panw'], ['paloaltonetworks.com']),

  // Work, files and productivity
  e(siDropbox, [], ['dropbox.com']),
  e(siBox, ['boxcom'], ['box.com']),
  e(siMega, ['meganz', 'megaio'], ['mega.nz', 'mega.io']),
  e(siNotion, ['notionso'], ['notion.so', 'notion.com']),
  e(siEvernote, [], ['evernote.com']),
  e(siAsana, [], ['asana.com']),
  e(siClickup, [], ['clickup.com']),
  e(siTodoist, [], ['todoist.com']),
  e(siAirtable, [], ['airtable.com']),
  e(siFigma, [], ['figma.com']),
  e(siAutodesk, [], ['autodesk.com']),
  e(siWebflow, [], ['webflow.com']),
  e(siZapier, [], ['zapier.com']),
  e(siHubspot, [], ['hubspot.com']),
  e(siZendesk, [], ['zendesk.com']),
  e(siMailchimp, ['intuitmailchimp'], ['mailchimp.com']),
  e(siBrevo, ['sendinblue'], ['brevo.com', 'sendinblue.com']),
  e(siWordpress, ['wordpresscom', 'wpcom', 'jetpack'], ['wordpress.com', 'wordpress.org']),
  e(siWix, ['wixcom'], ['wix.com']),
  e(siSquarespace, [], ['squarespace.com']),
  e(siShopify, [], ['shopify.com', 'myshopify.com']),
  e(siEbay, [], ['ebay.com', 'ebay.co.uk', 'ebay.de']),
  e(siEtsy, [], ['etsy.com']),

  // Money and crypto
  e(siPaypal, [], ['paypal.com', 'paypal.me']),
  e(siStripe, [], ['stripe.com']),
  e(siSquare, ['squareup', 'squareinc'], ['squareup.com']),
  e(siWise, ['transferwise'], ['wise.com', 'transferwise.com']),
  e(siRevolut, [], ['revolut.com']),
  e(siRobinhood, [], ['robinhood.com']),
  e(siTradingview, [], ['tradingview.com']),
  e(siZerodha, ['zerodhakite'], ['zerodha.com', 'kite.zerodha.com']),
  e(siXero, [], ['xero.com']),
  e(siQuickbooks, ['quickbooksonline'], ['quickbooks.intuit.com']),
  e(siCoinbase, ['coinbasepro', 'coinbaseexchange', 'coinbaseprime'], ['coinbase.com']),
  e(siBinance, ['binanceus', 'binancecom'], ['binance.com', 'binance.us']),
  e(siKucoin, [], ['kucoin.com']),
  e(siOkx, ['okex'], ['okx.com']),
  e(siBlockchaindotcom, ['blockchain', 'blockchaininfo'], ['blockchain.com', 'blockchain.info']),
  e(siUphold, [], ['uphold.com']),

  // Games
  e(siSteam, ['steamguard', 'valve', 'steampowered', 'steamcommunity'], ['steampowered.com', 'steamcommunity.com']),
  e(siEpicgames, ['epicgamesstore', 'epicgamescom'], ['epicgames.com']),
  e(siUbisoft, ['ubisoftconnect', 'uplay'], ['ubisoft.com', 'ubi.com']),
  e(siEa, ['electronicarts', 'eaapp', 'origin', 'eaaccount'], ['ea.com']),
  e(siBattledotnet, ['blizzard', 'blizzardentertainment', 'battlenet'], ['battle.net', 'blizzard.com']),
  e(siPlaystation, ['psn', 'playstationnetwork', 'sony', 'sonyentertainmentnetwork', 'sonyinteractiveentertainment'], ['playstation.com', 'sonyentertainmentnetwork.com']),
  e(siRiotgames, ['riot', 'leagueoflegends', 'valorant'], ['riotgames.com']),
  e(siRoblox, [], ['roblox.com']),
  e(siGogdotcom, ['gog', 'gogcom', 'goggalaxy'], ['gog.com']),
  e(siHumblebundle, ['humble'], ['humblebundle.com']),
  e(siItchdotio, ['itch', 'itchio'], ['itch.io']),
  e(siRockstargames, ['rockstar', 'socialclub', 'rockstargamessocialclub'], ['rockstargames.com']),
  e(siSquareenix, [], ['square-enix.com', 'square-enix-games.com']),
  e(siVrchat, [], ['vrchat.com']),
  e(siChessdotcom, ['chesscom'], ['chess.com']),
  e(siLichess, ['lichessorg'], ['lichess.org']),

  // Hardware vendors and security
  e(siNvidia, [], ['nvidia.com']),
  e(siBitdefender, ['bitdefendercentral'], ['bitdefender.com']),
  e(siHackerone, [], ['hackerone.com']),
  e(siBugcrowd, [], ['bugcrowd.com']),
  e(siHackthebox, [], ['hackthebox.com', 'hackthebox.eu']),
];

// ---------------------------------------------------------------------------------------------------------------
// Names

/** Lower case, accents folded, everything but a–z and 0–9 dropped: `Battle.net` → `battlenet`. */
export function normalizeIssuer(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Words that often trail a service's name in an issuer and say nothing about which service it is. */
const TRAILING_NOISE = new Set([
  'account', 'accounts', 'login', 'signin', 'sso', 'id', 'auth', 'authentication', 'authenticator', '2fa', 'mfa',
  'totp', 'otp', 'security', 'inc', 'llc', 'ltd', 'gmbh', 'ag', 'sa', 'plc', 'corp', 'corporation', 'co', 'com',
  'online', 'app', 'web', 'cloud', 'console', 'portal', 'dashboard',
]);

function buildIndexes(): { byName: Map<string, Entry>; byDomain: Map<string, Entry> } {
  const byName = new Map<string, Entry>();
  const byDomain = new Map<string, Entry>();
  const put = <K>(map: Map<K, Entry>, key: K, entry: Entry, what: string) => {
    const had = map.get(key);
    if (had !== undefined && had !== entry) throw new Error(`issuer icons: ${what} ${String(key)} names both ${had.icon.title} and ${entry.icon.title}`);
    map.set(key, entry);
  };
  for (const entry of ISSUER_TABLE) {
    for (const name of [entry.icon.title, entry.icon.slug, ...entry.aliases]) {
      const key = normalizeIssuer(name);
      if (key !== '') put(byName, key, entry, 'name');
    }
    for (const domain of entry.domains) put(byDomain, domain.toLowerCase(), entry, 'domain');
  }
  return { byName, byDomain };
}

const { byName, byDomain } = buildIndexes();

/** Second-level labels under which the registrable name sits one label further left (`example.co.uk`). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'ac', 'gov', 'edu', 'ne', 'or', 'go']);

/** Host names written in the text, as `accounts.google.com` or `https://github.com/login`; e-mail addresses are not. */
function hostsIn(text: string): string[] {
  const hosts: string[] = [];
  for (const token of text.toLowerCase().split(/[\s,;()<>[\]"'|]+/)) {
    if (token === '' || token.includes('@')) continue;
    const host = (token.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').split(/[/?#:]/)[0] ?? '').replace(/\.+$/, '').replace(/^www\./, '');
    if (/^([a-z0-9-]+\.)+[a-z]{2,}$/.test(host)) hosts.push(host);
  }
  return hosts;
}

function byHost(host: string): Entry | undefined {
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const hit = byDomain.get(labels.slice(i).join('.'));
    if (hit !== undefined) return hit;
  }
  // Not a listed domain: try the registrable name itself (`github.com` → github, `paypal.co.uk` → paypal).
  const tld = labels.length - 1;
  const nameAt = labels.length >= 3 && (labels[tld]?.length ?? 0) === 2 && SECOND_LEVEL.has(labels[tld - 1] ?? '') ? tld - 2 : tld - 1;
  const name = normalizeIssuer(labels[nameAt] ?? '');
  // Two letters are too easily someone else's (`x.ai` is not X): those need their domain listed.
  return name.length < 3 ? undefined : byName.get(name);
}

function byText(text: string): Entry | undefined {
  const whole = byName.get(normalizeIssuer(text));
  if (whole !== undefined) return whole;
  for (const host of hostsIn(text)) {
    const hit = byHost(host);
    if (hit !== undefined) return hit;
  }
  // "GitHub (work)", "Google: me", "Hetzner Cloud Console": the part before a separator, without trailing noise words.
  const head = text.split(/\s[-–—|/]\s|[:([]/)[0] ?? '';
  const words = head.split(/[\s_.,-]+/).map(normalizeIssuer).filter((w) => w !== '');
  while (words.length > 1 && TRAILING_NOISE.has(words[words.length - 1] ?? '')) words.pop();
  const key = words.join('');
  return key === '' ? undefined : byName.get(key);
}

const asData = (entry: Entry | undefined): IssuerIconData | undefined =>
  entry === undefined ? undefined : { title: entry.icon.title, path: entry.icon.path, hex: entry.icon.hex };

/**
 * The glyph for an account's issuer, found by name, alias or domain. The label is consulted only when the issuer
 * is blank, and then only as a name or its `Issuer:account` prefix: an e-mail address in a label says where the
 * user's mail is, not which service the code is for.
 */
export function findIssuerIcon(issuer: string, label?: string): IssuerIconData | undefined {
  if (issuer.trim() !== '') return asData(byText(issuer));
  const fromLabel = label?.trim() ?? '';
  if (fromLabel === '') return undefined;
  const colon = fromLabel.indexOf(':');
  return asData(byText(colon > 0 ? fromLabel.slice(0, colon) : fromLabel));
}

// ---------------------------------------------------------------------------------------------------------------
// Colour

/** The tiles the glyphs sit on: the cards of the light and the dark theme (issuer-icon.css uses the same values). */
export const LIGHT_TILE = '#ffffff';
export const DARK_TILE = '#1b1f25';
/** The ink a grey or black brand is drawn in where its own colour does not read: the themes' text colours. */
export const INK_ON_LIGHT = '#1b1f24';
export const INK_ON_DARK = '#e6e9ed';
/** WCAG 2's minimum for graphical objects (1.4.11 Non-text Contrast). */
export const MIN_GLYPH_CONTRAST = 3;

function channels(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (m === null) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1] ?? '', 16), parseInt(m[2] ?? '', 16), parseInt(m[3] ?? '', 16)];
}

/** WCAG 2 relative luminance of an sRGB colour given as `#rrggbb` or `rrggbb`: 0 for black, 1 for white. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A black, grey or white brand colour: one that the theme's ink can stand in for without losing the brand. */
function isNeutral(hex: string): boolean {
  const c = channels(hex);
  return Math.max(...c) - Math.min(...c) <= 24;
}

/**
 * How a brand colour is shown so that it reads at 3:1 or more in both themes:
 * - `theme`: on the theme's own tile, as it reads on both;
 * - `light-tile` / `dark-tile`: on that tile in either theme, as it reads only there (Facebook's blue gets a white
 *   tile in the dark theme, Snapchat's yellow a dark tile in the light one);
 * - `ink-in-dark` / `ink-in-light`: a neutral brand (GitHub's near-black, Sony's white) on the theme's tile, drawn in
 *   the theme's ink in the theme where its own colour does not read, as those brands draw themselves inverted.
 * The two tiles are far enough apart that every colour reads on at least one of them (see the tests).
 */
export type IconLook = 'theme' | 'light-tile' | 'dark-tile' | 'ink-in-dark' | 'ink-in-light';

export function lookFor(hex: string): IconLook {
  const onLight = contrastRatio(hex, LIGHT_TILE) >= MIN_GLYPH_CONTRAST;
  const onDark = contrastRatio(hex, DARK_TILE) >= MIN_GLYPH_CONTRAST;
  if (onLight && onDark) return 'theme';
  if (isNeutral(hex)) return onLight ? 'ink-in-dark' : 'ink-in-light';
  return onLight ? 'light-tile' : 'dark-tile';
}

/** The tile and glyph colours a look ends up with in a theme: what issuer-icon.css draws. */
export function colours(look: IconLook, hex: string, theme: 'light' | 'dark'): { tile: string; glyph: string } {
  const brand = `#${hex.replace(/^#/, '')}`;
  switch (look) {
    case 'light-tile':
      return { tile: LIGHT_TILE, glyph: brand };
    case 'dark-tile':
      return { tile: DARK_TILE, glyph: brand };
    case 'ink-in-dark':
      return theme === 'light' ? { tile: LIGHT_TILE, glyph: brand } : { tile: DARK_TILE, glyph: INK_ON_DARK };
    case 'ink-in-light':
      return theme === 'light' ? { tile: LIGHT_TILE, glyph: INK_ON_LIGHT } : { tile: DARK_TILE, glyph: brand };
    case 'theme':
      return { tile: theme === 'light' ? LIGHT_TILE : DARK_TILE, glyph: brand };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Letter tiles

/** The letter for an issuer without a glyph: its first letter or digit, upper-cased; `?` for none. */
export function fallbackLetter(issuer: string, label?: string): string {
  const name = issuer.trim() !== '' ? issuer : (label ?? '');
  const first = /[\p{L}\p{N}]/u.exec(name)?.[0] ?? '?';
  return first.toLocaleUpperCase();
}

/** FNV-1a over the normalised name (or the raw one when it has no a–z/0–9), so the hue survives case and spacing. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** WCAG 2's minimum for text, which the white letter keeps on its tile. */
export const MIN_LETTER_CONTRAST = 4.5;

/**
 * A stable tile colour for a name: the hue from a hash of it, darkened until white text on it has at least 4.5:1.
 */
export function letterTileColour(issuer: string, label?: string): string {
  const name = issuer.trim() !== '' ? issuer : (label ?? '');
  const key = normalizeIssuer(name);
  const hue = hash(key !== '' ? key : name.trim().toLowerCase()) % 360;
  for (let lightness = 0.42; lightness > 0.1; lightness -= 0.02) {
    const colour = hslToHex(hue, 0.55, lightness);
    if (contrastRatio(colour, '#ffffff') >= MIN_LETTER_CONTRAST) return colour;
  }
  return hslToHex(hue, 0.55, 0.1);
}
