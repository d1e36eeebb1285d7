/**
 * `npm run rebuild-projections`: replays the event stream from the start into a fresh bucket and
 * prints how it compares with the live projections. Swap by pointing the API at the new bucket.
 */
import { connectNats } from '../activities/nats.js';
import { loadConfig } from '../schemas/config.js';
import { ProjectionStore, rebuild } from '../readside/projector.js';

const config = loadConfig();
const nats = await connectNats(config.NATS_URL, 'hiring-rebuild');
const bucket = `projections_rebuild_${Date.now()}`;
const fresh = await ProjectionStore.open(nats, bucket);
const last = await rebuild(nats, fresh);
const live = await ProjectionStore.open(nats, 'projections');
const [a, b] = [await fresh.applications(), await live.applications()];
process.stdout.write(
  `rebuilt ${a.length} applications up to stream sequence ${last} into ${bucket}; live has ${b.length}\n`,
);
await nats.close();
