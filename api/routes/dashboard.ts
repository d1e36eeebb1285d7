import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HttpError } from '../errors.js';
import type { RouteContext } from './context.js';

/** The HR dashboard's files (built by `npm run build:dashboard` into dashboard/dist). */
export function dashboardRoutes({ r }: RouteContext): void {
  // ---- The HR dashboard (built by `npm run build:dashboard` into dashboard/dist)

  const dist = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.svg': 'image/svg+xml',
  };
  const sendFile = async (reply: FastifyReply, file: string) => {
    const path = join(dist, file);
    if (!path.startsWith(dist) || !existsSync(path)) throw new HttpError(404, 'not found');
    return reply.type(types[extname(path)] ?? 'application/octet-stream').send(await readFile(path));
  };
  r.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    sendFile(reply, 'index.html'),
  );
  r.get(
    '/assets/:file',
    {
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ file: z.string().regex(/^[\w.-]+$/) }) },
    },
    (req, reply) => sendFile(reply, `assets/${req.params.file}`),
  );
}
