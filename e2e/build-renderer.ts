import { spawnSync } from 'node:child_process';

/** The e2e specs load the built renderer: build it once first. */
export default function setup(): void {
  // Vitest sets NODE_ENV=test, which would give Vite React's development build: test what ships.
  const result = spawnSync('npm', ['run', '--silent', 'build:renderer'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('building the renderer failed');
}
