import { spawnSync } from 'node:child_process';

/** The e2e specs load the built renderer: build it once first. */
export default function setup(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build:renderer'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the renderer failed');
}
