import { parseArgs } from 'node:util';
import { ALL_ROLES, type Role } from '../../libs/auth/src/auth.types';
import { signDevToken } from '../../libs/auth/src/sign-token';
import { ConfigError, loadConfig } from '../../libs/config/src/load-config';

const USAGE = `usage: npm run token -- --tenant <tenantId> --roles <role,role> [--sub <userId>] [--ttl 8h]
roles: ${ALL_ROLES.join(', ')}`;

/** Prints a development token signed with the configured AUTH_JWT_SECRET. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      roles: { type: 'string' },
      sub: { type: 'string', default: 'dev-user' },
      ttl: { type: 'string', default: '8h' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.tenant || !values.roles) throw new UsageError('--tenant and --roles are required');
  const roles = values.roles.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = roles.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new UsageError(`unknown roles: ${unknown.join(', ')}`);
  if (!/^\d+[smhd]$/.test(values.ttl)) throw new UsageError('--ttl must look like 30m, 8h or 7d');

  const config = loadConfig();
  if (!config.auth.jwtSecret) throw new UsageError('no AUTH_JWT_SECRET is configured (tokens come from the identity provider)');
  const token = await signDevToken({
    secret: config.auth.jwtSecret,
    tenantId: values.tenant,
    roles: roles as Role[],
    userId: values.sub,
    ttl: values.ttl,
  });
  console.log(token);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
  else if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
