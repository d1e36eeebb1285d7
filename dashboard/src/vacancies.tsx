// Vacancies as anyone browses them (signed in or not), one in full, and the candidate's form to
// apply to it.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { Candidate } from '../../schemas/candidate.js';
import type { Position, PositionStatus } from '../../schemas/position.js';
import { ContractTypeSchema, DUTY_STATIONS, DutyStationSchema } from '../../schemas/reference.js';
import { ApiRefusal, call, newIdempotencyKey, type PositionSummary } from './api.js';
import { applicationLink, cityOf, label, positionLink, when } from './format.js';
import { FilterSelect, Message, Problems } from './ui.js';

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
      <Message>
        Your application has been sent. <a href={applicationLink(sent)}>Follow it here</a>; we also write to
        you at each step.
      </Message>
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
