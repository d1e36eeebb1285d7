// The admin's page: the staff, where their emails go, and their tokens. Recruiters get emails of
// their own (reminders, a candidate's answer to an offer, a withdrawal), which go nowhere until
// their contact is here; a token is shown once, when it is issued, and never kept by the dashboard.
import { useEffect, useState, type FormEvent } from 'react';
import type { StaffContact } from '../../schemas/effects.js';
import { call } from './api.js';
import { field } from './format.js';
import { Message, Problems } from './ui.js';

const ROLES = ['recruiter', 'hr', 'admin'] as const;
const revoked = (n: number) => `${n} token${n === 1 ? '' : 's'} revoked`;

/** The staff with a contact, by id (GET /staff), read again whenever `refresh` changes. */
function useStaff(refresh: unknown = 0) {
  const [staff, setStaff] = useState<StaffContact[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    call<{ staff: StaffContact[] }>('GET', '/staff')
      .then((r) => setStaff(r.staff))
      .catch(setError);
  }, [refresh]);
  return { staff, error };
}

/** Whom work can be handed to: the staff with a contact, by name (GET /staff). */
export function StaffSelect({
  name,
  ariaLabel,
  except,
}: {
  name: string;
  ariaLabel: string;
  except?: string;
}) {
  const { staff, error } = useStaff();
  if (error) return <Problems error={error} />;
  const others = (staff ?? []).filter((s) => s.subject !== except);
  if (staff && others.length === 0) return <span>Nobody else is on the staff list yet.</span>;
  return (
    <select name={name} aria-label={ariaLabel} required>
      {others.map((s) => (
        <option key={s.subject} value={s.subject}>
          {`${s.name} (${s.subject})`}
        </option>
      ))}
    </select>
  );
}

export function TeamDesk() {
  const [changed, setChanged] = useState(0);
  const { staff, error: listError } = useStaff(changed);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [issued, setIssued] = useState<{ subject: string; token: string }>();

  const start = () => {
    setDone(undefined);
    setError(undefined);
    setIssued(undefined);
  };

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    start();
    const form = e.currentTarget;
    const subject = field(e, 'subject');
    const role = field(e, 'role');
    const days = Number(field(e, 'days'));
    // The contact first: a recruiter signed in before their contact is kept would have their
    // emails fail. An id the API refuses is refused here, before anything is written.
    call<StaffContact>('PUT', `/staff/${encodeURIComponent(subject)}`, {
      name: field(e, 'name'),
      email: field(e, 'email'),
    })
      .then(async (contact) => {
        setChanged((n) => n + 1);
        if (!role) {
          form.reset();
          setDone(`${contact.name}'s contact is saved.`);
          return;
        }
        const { token } = await call<{ token: string }>('POST', '/tokens', { role, subject, days });
        form.reset();
        setIssued({ subject, token });
      })
      .catch(setError);
  };

  const revoke = (subject: string) => {
    start();
    call<{ revoked: number }>('DELETE', `/tokens/${encodeURIComponent(subject)}`)
      .then((r) => setDone(`${subject} is signed out everywhere: ${revoked(r.revoked)}.`))
      .catch(setError);
  };

  const remove = (subject: string) => {
    start();
    call<{ revoked: number }>('DELETE', `/staff/${encodeURIComponent(subject)}`)
      .then((r) => {
        setChanged((n) => n + 1);
        setDone(`${subject} is no longer on the staff list; ${revoked(r.revoked)}.`);
      })
      .catch(setError);
  };

  return (
    <>
      <h2>Staff</h2>
      <Problems error={listError} />
      {staff && staff.length === 0 && <p>No staff contact yet: add the recruiters below.</p>}
      {staff && staff.length > 0 && (
        <table className="vacancies" data-testid="staff">
          <thead>
            <tr>
              <th>Staff id</th>
              <th>Name</th>
              <th>Email</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.subject} data-subject={s.subject}>
                <td>{s.subject}</td>
                <td>{s.name}</td>
                <td>{s.email}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => revoke(s.subject)}
                    aria-label={`Sign ${s.subject} out everywhere`}
                  >
                    Sign out everywhere
                  </button>{' '}
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => remove(s.subject)}
                    aria-label={`Remove ${s.subject} from the staff list`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="profile panel" onSubmit={save}>
        <h3>Add someone, or change their contact</h3>
        <label>
          Staff id <input name="subject" aria-label="Staff id" required pattern="[A-Za-z0-9_\-]{1,64}" />
        </label>
        <label>
          Name <input name="name" aria-label="Name" required maxLength={200} />
        </label>
        <label>
          Email <input name="email" type="email" aria-label="Email" required maxLength={254} />
        </label>
        <label>
          Token{' '}
          <select name="role" aria-label="Token" defaultValue="recruiter">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r === 'recruiter'
                  ? 'issue a recruiter token'
                  : r === 'hr'
                    ? 'issue an HR token'
                    : 'issue an admin token'}
              </option>
            ))}
            <option value="">no new token</option>
          </select>
        </label>
        <label>
          Token lasts, in days{' '}
          <input
            name="days"
            type="number"
            min={1}
            max={365}
            defaultValue={90}
            aria-label="Token lasts, in days"
          />
        </label>
        <button type="submit">Save</button>
      </form>
      {done && <Message kind="ok">{done}</Message>}
      {issued && (
        <Message kind="ok">
          {`The token of ${issued.subject}, shown this once (give it to them by a safe channel): `}
          <code data-testid="issued-token">{issued.token}</code>
        </Message>
      )}
      <Problems error={error} />
    </>
  );
}
