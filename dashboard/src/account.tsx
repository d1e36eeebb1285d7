// The candidate's account: made by email and code, signed into by code; the profile with its
// documents, and the candidate's rights over their data (download it, delete the account).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Candidate, DocumentRef } from '../../schemas/candidate.js';
import { DocumentKindSchema } from '../../schemas/position.js';
import { ApiRefusal, call, download, upload } from './api.js';
import { day, field, label, messageOf, positionLink } from './format.js';
import { Message, Problems } from './ui.js';

// ---- Account

/** A candidate signs in with their email address: a code is sent to it, and the code opens the session. */
export function CandidateSignIn({ onToken }: { onToken: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string>();
  const [error, setError] = useState<string>();
  return (
    <>
      <form
        className="action"
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          const address = field(e, 'email');
          setError(undefined);
          call<{ message: string }>('POST', '/candidates/code', { email: address })
            .then((r) => {
              setEmail(address);
              setSent(`Check your email: ${r.message}.`);
            })
            .catch((err: unknown) => setError(messageOf(err)));
        }}
      >
        <label>
          Email address <input name="email" type="email" size={40} aria-label="Email address" required />
        </label>
        <button type="submit">Send me a code</button>
      </form>
      {sent && (
        <>
          <Message>{sent}</Message>
          <CodeForm
            onCode={(code) => call<{ token: string }>('POST', '/candidates/sign-in', { email, code })}
            onToken={onToken}
            onError={setError}
          />
        </>
      )}
      {error && <Message kind="error">{error}</Message>}
    </>
  );
}

function CodeForm({
  onCode,
  onToken,
  onError,
}: {
  onCode: (code: string) => Promise<{ token: string }>;
  onToken: (token: string) => void;
  onError: (message: string | undefined) => void;
}) {
  return (
    <form
      className="action"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        onError(undefined);
        onCode(field(e, 'code'))
          .then((r) => onToken(r.token))
          .catch((err: unknown) => onError(messageOf(err)));
      }}
    >
      <label>
        Code{' '}
        <input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          size={8}
          aria-label="Code from the email"
        />
      </label>
      <button type="submit">Confirm code</button>
    </form>
  );
}

/** A new account: a name and an email address, then the code sent to that address. */
export function SignUp({ next, onToken }: { next?: string; onToken: (token: string) => void }) {
  const [candidateId, setCandidateId] = useState<string>();
  const [error, setError] = useState<unknown>();
  return (
    <section>
      <h2>Create an account</h2>
      <p>
        A name and an email address are all it takes; the rest of your profile (nationality, date of birth,
        documents) can wait until you apply.
      </p>
      {!candidateId ? (
        <form
          className="action"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            setError(undefined);
            call<{ candidateId: string }>('POST', '/candidates', {
              name: field(e, 'name'),
              email: field(e, 'email'),
            })
              .then((r) => setCandidateId(r.candidateId))
              .catch(setError);
          }}
        >
          <label>
            Your name <input name="name" size={30} aria-label="Your name" required maxLength={200} />
          </label>
          <label>
            Email address <input name="email" type="email" size={40} aria-label="Email address" required />
          </label>
          <button type="submit">Create my account</button>
        </form>
      ) : (
        <>
          <Message>We have sent a six-digit code to your email address: enter it here.</Message>
          <CodeForm
            onCode={(code) =>
              call<{ token: string }>('POST', `/candidates/${encodeURIComponent(candidateId)}/confirm`, {
                code,
              })
            }
            onToken={(token) => {
              onToken(token);
              location.hash = next ? positionLink(next) : '#/profile';
            }}
            onError={setError}
          />
        </>
      )}
      <Problems error={error} />
      {error instanceof ApiRefusal && error.status === 409 && (
        <p>
          Already have an account? <a href="#/">Sign in with a code</a> sent to that address.
        </p>
      )}
    </section>
  );
}

// ---- Profile

const SERVICE_HELP = 'Secondments are open to serving law-enforcement officers only.';

/** The profile: personal details, and the documents applications take from it. */
export function Profile({ onErased }: { onErased: () => void }) {
  const [me, setMe] = useState<Candidate>();
  const [countries, setCountries] = useState<{ code: string; name: string }[]>([]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [serving, setServing] = useState(false);
  const load = useCallback(() => {
    call<Candidate>('GET', '/me')
      .then((c) => {
        setMe(c);
        setServing(c.profile.lawEnforcement?.serving ?? false);
      })
      .catch(setError);
  }, []);
  useEffect(() => {
    load();
    call<{ countries: { code: string; name: string }[] }>('GET', '/member-countries')
      .then((r) => setCountries(r.countries))
      .catch(setError);
  }, [load]);
  if (!me) return error ? <Problems error={error} /> : <p>Loading…</p>;
  const p = me.profile;
  const countryOptions = (
    <>
      <option value="">—</option>
      {countries.map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </>
  );
  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    setSaved(undefined);
    // Only what changed: the API refuses a patch that changes nothing, and names any field it refuses.
    const patch: Record<string, unknown> = {};
    const name = field(e, 'name');
    const nationality = field(e, 'nationality');
    const dateOfBirth = field(e, 'dateOfBirth');
    const serviceCountry = field(e, 'serviceCountry');
    if (name !== p.name) patch.name = name;
    if (nationality && nationality !== p.nationality) patch.nationality = nationality;
    if (dateOfBirth && dateOfBirth !== p.dateOfBirth) patch.dateOfBirth = dateOfBirth;
    const service = serving
      ? { serving: true, ...(serviceCountry ? { country: serviceCountry } : {}) }
      : { serving: false };
    if (JSON.stringify(service) !== JSON.stringify(p.lawEnforcement ?? { serving: false }))
      patch.lawEnforcement = service;
    if (Object.keys(patch).length === 0) return setSaved('Nothing to save: no field has changed.');
    call<Candidate>('PATCH', '/me', patch)
      .then((c) => {
        setMe(c);
        setSaved('Your profile is saved.');
      })
      .catch(setError);
  };
  return (
    <>
      <h2>My profile</h2>
      <form className="profile panel" onSubmit={save} key={JSON.stringify(p)}>
        <label>
          Name <input name="name" defaultValue={p.name} aria-label="Name" maxLength={200} />
        </label>
        <label>
          Email address <input value={p.email} aria-label="Email address" readOnly disabled />
        </label>
        <label>
          Nationality
          <select name="nationality" aria-label="Nationality" defaultValue={p.nationality ?? ''}>
            {countryOptions}
          </select>
        </label>
        <label>
          Date of birth{' '}
          <input
            name="dateOfBirth"
            type="date"
            aria-label="Date of birth"
            defaultValue={p.dateOfBirth ?? ''}
          />
        </label>
        <label className="inline" title={SERVICE_HELP}>
          <input
            type="checkbox"
            checked={serving}
            onChange={(e) => setServing(e.target.checked)}
            aria-label="I am a serving law-enforcement officer"
          />{' '}
          I am a serving law-enforcement officer
        </label>
        {serving && (
          <label>
            Serving in
            <select
              name="serviceCountry"
              aria-label="Serving in"
              defaultValue={p.lawEnforcement?.country ?? ''}
            >
              {countryOptions}
            </select>
          </label>
        )}
        <button type="submit">Save my profile</button>
      </form>
      {saved && <Message>{saved}</Message>}
      <Problems error={error} />
      <Documents documents={p.documents} onChange={load} />
      <YourData onErased={onErased} />
    </>
  );
}

/** The candidate's rights over their data, without writing to anyone: a copy of it all, and erasure. */
function YourData({ onErased }: { onErased: () => void }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  const erase = () => {
    setError(undefined);
    call('DELETE', '/me')
      .then(onErased)
      .catch((err: unknown) => {
        setAsking(false);
        setError(err);
      });
  };
  return (
    <section className="panel">
      <h3>Your data</h3>
      <p>
        A copy of everything held about you: your profile, documents, applications and what happened to each.{' '}
        <button type="button" onClick={() => void download('/me/export', 'my-data.json').catch(setError)}>
          Download my data
        </button>
      </p>
      <p>
        Deleting your account erases your profile, documents and the personal part of your applications for
        good; figures kept for statistics name nobody. Withdraw any application in progress first.
      </p>
      {asking ? (
        <p>
          <button type="button" className="secondary" onClick={erase}>
            Yes, delete my account for good
          </button>{' '}
          <button type="button" onClick={() => setAsking(false)}>
            Keep my account
          </button>
        </p>
      ) : (
        <button type="button" className="secondary" onClick={() => setAsking(true)}>
          Delete my account
        </button>
      )}
      <Problems error={error} />
    </section>
  );
}

function Documents({ documents, onChange }: { documents: DocumentRef[]; onChange: () => void }) {
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const file = new FormData(form).get('file');
    const kind = field(e, 'kind');
    setError(undefined);
    setMessage(undefined);
    if (!(file instanceof File) || file.size === 0)
      return setMessage('Choose a file first (PDF or Word .docx).');
    setBusy(true);
    upload<DocumentRef>(
      `/me/documents?${new URLSearchParams({ kind, filename: file.name }).toString()}`,
      file,
    )
      .then((ref) => {
        setMessage(`${ref.filename} is on your profile.`);
        form.reset();
        onChange();
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const remove = (d: DocumentRef) => {
    setError(undefined);
    call<{ keptFor: string[] }>('DELETE', `/me/documents/${d.documentId}`)
      .then((r) => {
        setMessage(
          r.keptFor.length
            ? `${d.filename} is off your profile; the recruiters of the ${r.keptFor.length === 1 ? 'application' : `${r.keptFor.length} applications`} you sent it with keep it.`
            : `${d.filename} is deleted.`,
        );
        onChange();
      })
      .catch(setError);
  };
  return (
    <section className="panel">
      <h3>My documents</h3>
      <p>
        PDF or Word (.docx), up to 10 MB each. Each application takes the newest document of each kind it asks
        for.
      </p>
      {documents.length === 0 ? (
        <p>No document yet.</p>
      ) : (
        <table data-testid="documents">
          <tbody>
            {documents.map((d) => (
              <tr key={d.documentId}>
                <td>{label(d.kind)}</td>
                <td>{d.filename}</td>
                <td>{Math.ceil(d.size / 1024)} KB</td>
                <td>{day(d.uploadedAt)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => void download(`/me/documents/${d.documentId}`, d.filename).catch(setError)}
                  >
                    Download {d.filename}
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => remove(d)}>
                    Remove {d.filename}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="action" onSubmit={send}>
        <label>
          Kind
          <select name="kind" aria-label="Kind of document" defaultValue="cv">
            {DocumentKindSchema.options.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          File{' '}
          <input name="file" type="file" accept=".pdf,.docx,application/pdf" aria-label="File to upload" />
        </label>
        <button type="submit" disabled={busy}>
          Upload to my profile
        </button>
      </form>
      {message && <Message>{message}</Message>}
      <Problems error={error} />
    </section>
  );
}
