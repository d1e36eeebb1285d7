// The candidate's side: vacancies to browse (signed in or not), an account by email and code, the
// profile with its documents, applying, and each application in plain language with the candidate's
// own next step (confirm the interview, answer the offer, withdraw).
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import {
  ActiveStageSchema,
  type ApplicationStatus,
  type CandidateApplicationView,
} from '../../schemas/application.js';
import type { Candidate, DocumentRef } from '../../schemas/candidate.js';
import { DocumentKindSchema, type Position, type PositionStatus } from '../../schemas/position.js';
import { ContractTypeSchema, DUTY_STATIONS, DutyStationSchema } from '../../schemas/reference.js';
import {
  act,
  ApiRefusal,
  call,
  download,
  listApplications,
  newIdempotencyKey,
  upload,
  type ApplicationSummary,
  type PositionSummary,
} from './api.js';
import { applicationLink, cityOf, field, label, messageOf, positionLink, when } from './format.js';
import { SubmissionPanel, useApplication } from './application.js';
import { FilterSelect, Problems } from './ui.js';

const ACTIVE: readonly string[] = ActiveStageSchema.options;

// ---- Vacancies

/** Open positions, filtered by duty station, contract type and words, as anyone may browse them. */
export function Vacancies() {
  const [filters, setFilters] = useState({ dutyStation: '', contractType: '', words: '' });
  const [positions, setPositions] = useState<PositionSummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v.trim() !== ''));
    // The newest filters win: an answer to older ones that comes in late is dropped.
    let current = true;
    call<{ positions: PositionSummary[] }>('GET', `/positions?${query.toString()}`)
      .then((r) => current && (setPositions(r.positions), setError(undefined)))
      .catch((err: unknown) => current && setError(err));
    return () => {
      current = false;
    };
  }, [filters]);
  const select = (
    name: 'dutyStation' | 'contractType',
    options: readonly string[],
    title: string,
    show?: (o: string) => string,
  ) => (
    <FilterSelect
      title={title}
      value={filters[name]}
      options={options}
      onChange={(value) => setFilters({ ...filters, [name]: value })}
      show={show}
    />
  );
  return (
    <section>
      <h2>Vacancies</h2>
      <div className="filters">
        {select('dutyStation', DutyStationSchema.options, 'Duty station', cityOf)}
        {select('contractType', ContractTypeSchema.options, 'Contract type')}
        <label>
          Words
          <input
            aria-label="Words in the title or description"
            value={filters.words}
            onChange={(e) => setFilters({ ...filters, words: e.target.value })}
          />
        </label>
      </div>
      <Problems error={error} />
      {positions && positions.length === 0 && <p>No open vacancy matches these filters.</p>}
      {positions && positions.length > 0 && (
        <table className="vacancies" data-testid="vacancies">
          <thead>
            <tr>
              <th>Vacancy</th>
              <th>Duty station</th>
              <th>Contract</th>
              <th>Apply by</th>
            </tr>
          </thead>
          <tbody>
            {positions.map((p) => (
              <tr key={p.positionId} data-position={p.positionId}>
                <td>
                  <a href={positionLink(p.positionId)}>{p.title}</a> <small>{p.reference}</small>
                </td>
                <td>{cityOf(p.dutyStation)}</td>
                <td>{label(p.contractType)}</td>
                <td>{when(p.deadline, p.dutyStation)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type PublishedPosition = Position & { status: PositionStatus };

/** One vacancy in full; a signed-in candidate applies from here, anyone else is asked to sign in. */
export function PositionPage({ id, signedIn, signIn }: { id: string; signedIn: boolean; signIn: ReactNode }) {
  const [position, setPosition] = useState<PublishedPosition>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    call<PublishedPosition>('GET', `/positions/${encodeURIComponent(id)}`)
      .then(setPosition)
      .catch(setError);
  }, [id]);
  if (error) return <Problems error={error} />;
  if (!position) return <p>Loading…</p>;
  const station = DUTY_STATIONS[position.dutyStation];
  const open = position.status === 'open' && Date.parse(position.deadline) > Date.now();
  return (
    <article className="position">
      <p>
        <a href="#/positions">All vacancies</a>
      </p>
      <h2>
        {position.title} <small>{position.reference}</small>
      </h2>
      <p>
        {station.city} ({station.kind}) · {label(position.contractType)} ·{' '}
        {open ? `apply by ${when(position.deadline, position.dutyStation)}` : 'applications are closed'}
      </p>
      {position.contractType === 'secondment' && (
        <p className="message">
          Secondments are open to serving law-enforcement officers of member countries only.
        </p>
      )}
      <p className="description">{position.description}</p>
      {position.requirements.length > 0 && (
        <>
          <h3>Requirements</h3>
          <ul>
            {position.requirements.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Documents to send</h3>
      <p>{position.requiredDocuments.map(label).join(', ') || 'none'}</p>
      {open && signedIn && <ApplyForm position={position} />}
      {open && !signedIn && (
        <section className="panel">
          <h3>To apply, sign in</h3>
          <p>
            New here? <a href={`#/sign-up/${encodeURIComponent(position.positionId)}`}>Create an account</a>{' '}
            with your name and email address.
          </p>
          {signIn}
        </section>
      )}
    </article>
  );
}

/** The application form: the position's questions, and the documents it takes from the profile. */
function ApplyForm({ position }: { position: PublishedPosition }) {
  const [me, setMe] = useState<Candidate>();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState<string>();
  const [busy, setBusy] = useState(false);
  // One key for this form: a double click or a retry gives back the same application.
  const key = useRef(newIdempotencyKey());
  useEffect(() => {
    call<Candidate>('GET', '/me').then(setMe).catch(setError);
  }, []);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    call<{ applicationId: string }>(
      'POST',
      '/applications',
      { positionId: position.positionId, answers },
      { 'idempotency-key': key.current },
    )
      .then((r) => setSent(r.applicationId))
      .catch((err: unknown) => {
        // Already applied (another device, an earlier visit): that application is the answer.
        if (err instanceof ApiRefusal && err.status === 409 && typeof err.body.applicationId === 'string')
          setSent(err.body.applicationId);
        else setError(err);
      })
      .finally(() => setBusy(false));
  };
  if (sent)
    return (
      <p className="message" role="status">
        Your application has been sent. <a href={applicationLink(sent)}>Follow it here</a>; we also write to
        you at each step.
      </p>
    );
  const problemFor = (name: string) =>
    error instanceof ApiRefusal ? error.problems.find((p) => p.field === name)?.message : undefined;
  return (
    <form className="apply panel" onSubmit={submit}>
      <h3>Apply</h3>
      <p>From your profile, this application takes:</p>
      <ul>
        {position.requiredDocuments.map((kind) => {
          const doc = me?.profile.documents.filter((d) => d.kind === kind).at(-1);
          return (
            <li key={kind} data-document-kind={kind}>
              {label(kind)}:{' '}
              {doc ? (
                doc.filename
              ) : (
                <>
                  <em>missing</em>: <a href="#/profile">add it to your profile</a>
                </>
              )}
            </li>
          );
        })}
      </ul>
      {position.questions.map((q) => (
        <label key={q.id} className="question">
          {q.text}
          {q.required ? ' (required)' : ' (optional)'}
          <textarea
            name={q.id}
            aria-label={q.text}
            rows={3}
            maxLength={5000}
            value={answers[q.id] ?? ''}
            aria-invalid={problemFor(`answers.${q.id}`) ? true : undefined}
            onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })}
          />
        </label>
      ))}
      <Problems error={error} />
      <button type="submit" disabled={busy}>
        Send my application
      </button>
    </form>
  );
}

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
          <p className="message">{sent}</p>
          <CodeForm
            onCode={(code) => call<{ token: string }>('POST', '/candidates/sign-in', { email, code })}
            onToken={onToken}
            onError={setError}
          />
        </>
      )}
      {error && <p className="message error">{error}</p>}
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
          <p className="message">We have sent a six-digit code to your email address: enter it here.</p>
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
      {saved && (
        <p className="message" role="status">
          {saved}
        </p>
      )}
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
                <td>{new Date(d.uploadedAt).toLocaleDateString('en-GB')}</td>
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
      {message && (
        <p className="message" role="status">
          {message}
        </p>
      )}
      <Problems error={error} />
    </section>
  );
}

// ---- Applications

/** For the candidate: where each application stands, what comes next, and how long it may take. */
const PLAIN: Record<ApplicationStatus, [string, string, string]> = {
  submitted: [
    'Received',
    'The recruitment team reviews applications after the closing date.',
    'Usually two to three weeks after the closing date.',
  ],
  screened: ['Shortlisted', 'You will be invited to an interview.', 'Usually within a few weeks.'],
  interview: [
    'Interview',
    'Confirm and attend your interview.',
    'The result usually follows within two weeks.',
  ],
  written_exam: [
    'Written exam',
    'You will receive a convocation to the written exam.',
    'Usually within a few weeks.',
  ],
  offer: [
    'Offer',
    'Accept or decline the offer before its date.',
    'Start is usually one to two months after acceptance.',
  ],
  accepted: ['Accepted', 'Human Resources will contact you about your start date and the checks.', '—'],
  rejected: ['Not selected', 'You may apply for other positions.', '—'],
  withdrawn: ['Withdrawn', 'You may apply for other positions.', '—'],
  declined: ['Offer declined', 'You may apply for other positions.', '—'],
  expired: ['Closed', 'This application closed because a deadline passed.', '—'],
};

export function CandidateApplications() {
  const [items, setItems] = useState<ApplicationSummary[]>([]);
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    void listApplications({}).then(async (r) => {
      setItems(r.items);
      // The list names positions by id; the candidate knows them by their titles.
      const ids = [...new Set(r.items.map((a) => a.positionId))];
      const found = await Promise.all(
        ids.map((id) =>
          call<{ title: string; reference: string }>('GET', `/positions/${encodeURIComponent(id)}`)
            .then((p) => [id, `${p.title} (${p.reference})`] as const)
            .catch(() => [id, id] as const),
        ),
      );
      setTitles(new Map(found));
    });
  }, []);
  return (
    <>
      <h2>My applications</h2>
      {items.length === 0 && (
        <p>
          None yet: <a href="#/positions">browse the vacancies</a>.
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Position</th>
            <th>Where it stands</th>
            <th>Next step</th>
            <th>How long it may take</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => {
            const [stage, next, wait] = PLAIN[a.stage];
            return (
              <tr key={a.applicationId}>
                <td>
                  <a href={applicationLink(a.applicationId)}>{titles.get(a.positionId) ?? a.positionId}</a>
                </td>
                <td>{stage}</td>
                <td>{next}</td>
                <td>{wait}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/**
 * One application as its candidate sees it: where it stands, the dates that matter, and the
 * candidate's own next step. Recruiters' notes stay with the recruiters: the steps are listed by
 * what they mean for the candidate.
 */
export function CandidateApplication({ id }: { id: string }) {
  const [error, setError] = useState<unknown>();
  const { view, setView, submission } = useApplication<CandidateApplicationView>(id, setError);
  const [done, setDone] = useState<string>();
  const [asking, setAsking] = useState<'withdraw' | 'decline'>();
  const [busy, setBusy] = useState(false);
  // One key per intended action in one state of the application: a double click or a retry is the
  // same action; after the application has moved on, a new one.
  const keys = useRef(new Map<string, string>());
  const keyFor = (action: string) => {
    const k = `${action}@${view?.seq ?? 0}`;
    if (!keys.current.has(k)) keys.current.set(k, newIdempotencyKey());
    return keys.current.get(k)!;
  };
  if (!view) return error ? <Problems error={error} /> : <p>Loading…</p>;

  const station = view.position.dutyStation;
  const [stage, next, wait] = PLAIN[view.status];
  const deadline = (kind: string) => view.upcomingDeadlines.find((d) => d.kind === kind)?.at;
  const run = (action: string, command: Parameters<typeof act>[1], said: string) => {
    setBusy(true);
    setError(undefined);
    act<CandidateApplicationView>(view.applicationId, command, keyFor(action))
      .then((v) => {
        setView(v);
        setAsking(undefined);
        setDone(said);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  const reasonForm = (kind: 'withdraw' | 'decline') => (
    <form
      className="action"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        const reason = field(e, 'reason');
        if (kind === 'withdraw')
          run('withdraw', { type: 'withdraw', reason }, 'Your application is withdrawn.');
        else run('decline', { type: 'decline_offer', reason }, 'You have declined the offer.');
      }}
    >
      <label>
        Reason, if you wish to give one <input name="reason" size={50} maxLength={2000} aria-label="Reason" />
      </label>
      <button type="submit" className="secondary" disabled={busy}>
        {kind === 'withdraw' ? 'Confirm withdrawal' : 'Confirm: decline the offer'}
      </button>
      <button type="button" onClick={() => setAsking(undefined)}>
        Keep it
      </button>
    </form>
  );
  return (
    <article>
      <p>
        <a href="#/">My applications</a>
      </p>
      <h2>
        {view.position.title} <small>{view.position.reference}</small> —{' '}
        <span data-testid="status">{stage}</span>
      </h2>
      <p>
        {DUTY_STATIONS[station].city} · sent {when(view.submittedAt, station)}
      </p>
      <p>
        <strong>Next:</strong> {next} <em>{wait !== '—' ? wait : ''}</em>
      </p>
      {done && (
        <p className="message" role="status">
          {done}
        </p>
      )}
      <Problems error={error} />

      {view.interview && (
        <section className="panel">
          <h3>Interview</h3>
          <p>
            {when(view.interview.at, station)},{' '}
            {view.interview.mode.kind === 'video' ? (
              <>
                by video: <a href={view.interview.mode.link}>{view.interview.mode.link}</a>
              </>
            ) : (
              `in person at ${DUTY_STATIONS[view.interview.mode.dutyStation].city}`
            )}
            .{' '}
            {view.interview.confirmedAt
              ? `You confirmed it on ${new Date(view.interview.confirmedAt).toLocaleDateString('en-GB')}.`
              : view.status === 'interview'
                ? `Please confirm it by ${when(deadline('interview_confirmation'), station)}.`
                : ''}
          </p>
          {view.status === 'interview' && !view.interview.confirmedAt && (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                run('confirm', { type: 'confirm_interview' }, 'You have confirmed the interview.')
              }
            >
              Confirm the interview
            </button>
          )}
        </section>
      )}
      {view.exam && (
        <section className="panel">
          <h3>Written exam</h3>
          <p>
            {when(view.exam.startsAt, view.exam.dutyStation)} at {DUTY_STATIONS[view.exam.dutyStation].city},
            seat {view.exam.seat}. The convocation is in your email.
          </p>
        </section>
      )}
      {view.offer && (
        <section className="panel">
          <h3>Offer</h3>
          <p>{view.offer.terms}</p>
          {view.status === 'offer' && (
            <>
              <p>Please answer by {when(view.offer.respondBy, station)}.</p>
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  run('accept', { type: 'accept_offer' }, 'You have accepted the offer: welcome.')
                }
              >
                Accept the offer
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setAsking('decline')}>
                Decline the offer
              </button>
              {asking === 'decline' && reasonForm('decline')}
            </>
          )}
        </section>
      )}
      {view.outcome && (
        <p>
          {stage}
          {view.outcome.reason ? `: ${view.outcome.reason}` : ''}
        </p>
      )}
      {ACTIVE.includes(view.status) && (
        <section className="panel">
          <h3>Withdraw</h3>
          <p>You may withdraw your application at any time; this cannot be undone.</p>
          {asking === 'withdraw' ? (
            reasonForm('withdraw')
          ) : (
            <button type="button" className="secondary" onClick={() => setAsking('withdraw')}>
              Withdraw my application
            </button>
          )}
        </section>
      )}
      {submission && (
        <SubmissionPanel
          title="What you sent"
          applicationId={id}
          submission={submission}
          onError={setError}
        />
      )}
      <section className="panel">
        <h3>So far</h3>
        <table data-testid="steps">
          <tbody>
            <tr>
              <td>{new Date(view.submittedAt).toLocaleDateString('en-GB')}</td>
              <td>Received</td>
            </tr>
            {view.steps
              .filter((t) => t.to !== 'submitted')
              .map((t) => (
                <tr key={`${t.at}/${t.to}`}>
                  <td>{new Date(t.at).toLocaleDateString('en-GB')}</td>
                  <td>{PLAIN[t.to][0]}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
