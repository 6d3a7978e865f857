/**
 * DESIGN.md's dependency rules, checked on every `npm test`. Tests (*.test.ts), test-support and
 * fixtures are exempt from the layer rules: they may reach emulators and helpers.
 */
const TEST = '(\\.test\\.ts$|/test-support/|/fixtures/)';
const NODE_MODULE = (name) => `(^|/)node_modules/${name}/`;
/** The CLI's side of the KDF head start: the one CLI module that reaches past the service (see its rule). */
const CLI_HEAD_START = '^main/cli/kdf-head-start\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-only-zod',
      comment: 'shared/ is the contract for main and renderer alike: it imports nothing but zod.',
      severity: 'error',
      from: { path: '^shared/', pathNot: TEST },
      to: { pathNot: ['^shared/', NODE_MODULE('zod')] },
    },
    {
      name: 'otp-imports-only-shared-otpauth-crypto',
      severity: 'error',
      from: { path: '^main/otp/', pathNot: TEST },
      to: { pathNot: ['^main/otp/', '^shared/', NODE_MODULE('otpauth'), '^crypto$'] },
    },
    {
      name: 'enroll-formats-no-io',
      comment: 'Parsers take bytes and return values: no file, process or network access.',
      severity: 'error',
      // The two loaders of our own shipped assets (the zxing wasm, the .proto schema) may read files.
      from: { path: '^main/(enroll|formats)/', pathNot: [TEST, '^main/enroll/qr/zxing-reader\\.ts$', '^main/enroll/migration/migration-proto\\.ts$'] },
      to: { dependencyTypes: ['core'], path: '^(fs|fs/promises|child_process|net|http|https|dgram|worker_threads)$' },
    },
    {
      name: 'enroll-formats-layer',
      comment: 'Enrollment and formats use the OTP engine, the contract and each other through index.ts only.',
      severity: 'error',
      from: { path: '^main/(enroll|formats)/', pathNot: TEST },
      to: {
        path: '^main/',
        pathNot: ['^main/otp/index\\.ts$', '^main/(enroll|formats)/index\\.ts$', '^main/formats/[^/]+/index\\.ts$', '^main/$1/'],
      },
    },
    {
      name: 'vault-layer',
      severity: 'error',
      from: { path: '^main/vault/', pathNot: TEST },
      to: { path: '^main/', pathNot: ['^main/vault/', '^main/otp/'] },
    },
    {
      name: 'vault-through-index',
      comment: "Outside main/vault only its index.ts: the session's keys, its test hooks and its row code stay inside.",
      severity: 'error',
      // The CLI's KDF head start is the one exception (its own rule below says what it may reach).
      from: { pathNot: ['^main/vault/', TEST, '^bench/', CLI_HEAD_START] },
      to: { path: '^main/vault/', pathNot: ['^main/vault/index\\.ts$', '^main/vault/test-support/'] },
    },
    {
      name: 'keys-layer',
      comment: 'Key drivers see the OTP engine and the HidDevice interface, nothing above them.',
      severity: 'error',
      from: { path: '^main/keys/', pathNot: TEST },
      to: { path: '^main/', pathNot: ['^main/keys/', '^main/otp/'] },
    },
    {
      name: 'node-hid-in-one-adapter',
      severity: 'error',
      from: { pathNot: '^main/keys/hid/node-hid\\.ts$' },
      to: { path: NODE_MODULE('node-hid') },
    },
    {
      name: 'smartcard-only-in-pcsc',
      comment: 'The optional PC/SC addon stays behind keys/pcsc/ (loaded there on first use; absent where it did not build).',
      severity: 'error',
      from: { pathNot: '^main/keys/pcsc/' },
      to: { path: NODE_MODULE('smartcard') },
    },
    {
      name: 'emulators-only-from-tests-and-devices',
      severity: 'error',
      from: { pathNot: ['^main/keys/emulators/', '^main/service/devices\\.ts$', '^e2e/', '^bench/', TEST] },
      to: { path: '^main/keys/emulators/' },
    },
    {
      name: 'doors-use-service-and-shared-only',
      comment:
        "The CLI and Electron reach the core only through createService and the contract. fs-words.ts (a file-system error in words; it imports shared/errors alone) is reached directly by the CLI's password-file reader, which the KDF head start loads before the service.",
      severity: 'error',
      from: { path: '^main/(cli|electron|app-chromium)/', pathNot: [TEST, CLI_HEAD_START] },
      to: { path: '^main/', pathNot: ['^main/service/index\\.ts$', '^main/service/fs-words\\.ts$', '^main/$1/'] },
    },
    {
      name: 'cli-head-start-reaches-the-kdf-only',
      comment:
        "`latchkey code QUERY` starts the vault's Argon2id before the service loads (issue 14): this one CLI module reaches the vault's head start and the default vault path, nothing else of the core.",
      severity: 'error',
      from: { path: CLI_HEAD_START },
      to: { path: '^main/', pathNot: ['^main/cli/', '^main/vault/kdf-head-start\\.ts$', '^main/service/paths\\.ts$'] },
    },
    {
      name: 'electron-only-in-main-electron',
      comment: "A real require('electron') in plain Node tries to download the binary.",
      severity: 'error',
      from: { pathNot: '^main/electron/' },
      to: { path: NODE_MODULE('electron') },
    },
    {
      name: 'renderer-imports-shared-and-react',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { pathNot: ['^renderer/', '^shared/', NODE_MODULE('(react|react-dom|scheduler|zod|simple-icons|@tanstack/react-virtual|@tanstack/virtual-core)')] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
