/**
 * Settings for the workflow sandbox, imported first by the bundle's entry (index.ts) so that they
 * hold before any schema is built.
 *
 * zod without its JIT: for each object schema, the first parse compiles a specialised parser with
 * `new Function` (and probes once that code generation is allowed). That pays off in a process that
 * parses the same shape millions of times. In the sandbox every workflow builds its own copy of zod
 * and the schemas (the reusable V8 context gives each workflow fresh modules), parses each shape a
 * handful of times and is then evicted or closes: the compiles are pure cost. Results are the same
 * either way; only the path differs. Measured in README, Performance ("zod without its JIT").
 * The API and the worker's activities, outside the sandbox, keep the JIT.
 */
import { z } from 'zod';

z.config({ jitless: true });
