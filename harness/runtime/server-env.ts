/**
 * The environment servers are started with: rootload's own, less the variables that hold
 * secrets (the PKCS#12 password a scenario names in `identity.passwordEnv`). A template can make
 * a server run a program (docs/templates.md), and that program sees the server's environment.
 */
const secrets = new Set<string>();

/** Keep `name` out of every server's environment from now on (the run's lifetime). */
export function withholdFromServers(name: string): void {
  secrets.add(name);
}

/** process.env with `extra` on top and every withheld variable removed. */
export function serverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of secrets) delete env[name];
  return env;
}
