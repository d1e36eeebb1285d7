// Pieces every page uses.
import type { ReactNode } from 'react';
import { ApiRefusal } from './api.js';
import { label, messageOf } from './format.js';

/** What the API refused, field by field, as a list a person can act on. */
export function Problems({ error }: { error: unknown }) {
  if (!error) return null;
  const problems = error instanceof ApiRefusal ? error.problems : [];
  return (
    <div className="message error" role="alert">
      {error instanceof ApiRefusal
        ? ((error.body.error as string | undefined) ?? error.message)
        : messageOf(error)}
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={`${p.field}:${p.message}`} data-field={p.field}>
              <strong>{label(p.field)}</strong>: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A list filter: "all", or one of the options, each shown as `show` says (the name by default). */
export function FilterSelect({
  title,
  value,
  options,
  onChange,
  show = label,
}: {
  title: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  show?: (option: string) => string;
}) {
  return (
    <label>
      {title}
      <select aria-label={title} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">all</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {show(o)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * A message that appears after something happened, read out by screen readers as it appears: an
 * error at once (alert), anything else when the reader is free (status).
 */
export function Message({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'ok' | 'error';
  children: ReactNode;
}) {
  return (
    <p
      className={kind === 'info' ? 'message' : `message ${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
    >
      {children}
    </p>
  );
}
