/**
 * `npm run admin-token -- <subject>`: issues the first admin token, straight into the token store
 * (NATS must be running, as under `npm start`). Admins then issue staff tokens through POST /tokens.
 * It holds 90 days (TOKEN_DAYS); run this again for a new one.
 */
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { kvTokenStore } from '../stores/tokens.js';

const subject = process.argv[2];
if (!subject || !/^[A-Za-z0-9_-]{1,64}$/.test(subject)) {
  process.stderr.write('usage: npm run admin-token -- <subject> (letters, digits, "_" and "-")\n');
  process.exit(2);
}
const config = loadConfig();
const nats = await connectNats(config.NATS_URL, 'hiring-admin-token');
const token = await kvTokenStore(nats.tokens).issue('admin', subject);
await nats.close();
process.stdout.write(`${token}\n`);
