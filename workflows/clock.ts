/**
 * The workflow's clock. Inside the workflow sandbox the SDK replaces Date with a deterministic
 * clock (the time of the current workflow task), so replay gives the same answer months later.
 * Everything in workflows/ reads time through here; lint bans Date.now() elsewhere in the folder.
 */
export function now(): number {
  // eslint-disable-next-line no-restricted-properties -- the SDK's deterministic Date, see above
  return Date.now();
}
