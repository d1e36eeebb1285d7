/**
 * A server that could not bind its port says so, and a free port taken before the server binds it
 * is replaced by another (the benchmark's smoke run failed so once in a clean-clone CI: the Temporal
 * dev server's log said "bind: address already in use", the error only "exited with 2").
 */
import { describe, expect, it } from 'vitest';
import { onFreePort, startFailure } from '../../scripts/servers.js';

// The line the Temporal dev server wrote that time (scripts/servers.ts reads its log).
const TEMPORAL_LOG =
  'time=2026-11-30T07:42:08.737 level=ERROR msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:36853: bind: address already in use" service=frontend address=127.0.0.1:36853\npanic: runtime error: invalid memory address or nil pointer dereference';
const NATS_LOG =
  '[12] 2026/11/30 07:42:08.737 [FTL] Error listening on port: 127.0.0.1:4222, "listen tcp 127.0.0.1:4222: bind: address already in use"';

describe('starting a server', () => {
  it('says a port was taken when its log says so, and nothing more otherwise', () => {
    expect(startFailure(TEMPORAL_LOG)).toBe(': a port it needs was already in use');
    expect(startFailure(NATS_LOG)).toBe(': a port it needs was already in use');
    expect(startFailure('level=ERROR msg="sqlite: database is locked"')).toBe('');
  });

  it('tries another free port when the one it chose was taken, and stops at other failures', async () => {
    const tried: number[] = [];
    const port = await onFreePort((p) => {
      tried.push(p);
      return tried.length === 1
        ? Promise.reject(
            new Error(`Temporal dev server did not start: exited with 2${startFailure(TEMPORAL_LOG)}`),
          )
        : Promise.resolve();
    });
    expect(tried).toHaveLength(2);
    expect(port).toBe(tried[1]);
    // Any other failure is not a port's: no second try.
    let calls = 0;
    await expect(
      onFreePort(() => {
        calls += 1;
        return Promise.reject(new Error('Temporal dev server did not start: exited with 1'));
      }),
    ).rejects.toThrow('exited with 1');
    expect(calls).toBe(1);
    // A port taken every time gives up after its attempts.
    calls = 0;
    await expect(
      onFreePort(() => {
        calls += 1;
        return Promise.reject(new Error('port 1 is already in use'));
      }, 3),
    ).rejects.toThrow('already in use');
    expect(calls).toBe(3);
  });
});
