import { StrictMode, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  ActiveStageSchema,
  ApplicationStatusSchema,
  type ApplicationStatus,
  type ApplicationView,
  type CommandInput,
  type DeadlineKind,
} from '../../schemas/application.js';
import { ContractTypeSchema, DUTY_STATIONS, DutyStationSchema } from '../../schemas/reference.js';
import {
  act,
  ApiRefusal,
  call,
  followEvents,
  listApplications,
  tokenStore,
  type ApplicationSummary,
  type PositionSummary,
} from './api.js';
import {
  CandidateApplication,
  CandidateApplications,
  CandidateSignIn,
  PositionPage,
  Profile,
  SignUp,
  Vacancies,
} from './candidate.js';
import { applicationLink, field, label, when } from './format.js';
import { SubmissionPanel, useApplication } from './application.js';
import { ExamSessionsDesk, PositionsDesk, SessionSelect } from './staff.js';
import { FilterSelect } from './ui.js';

const STAGES = ActiveStageSchema.options;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function App() {
  const [token, setToken] = useState(tokenStore.get());
  const [role, setRole] = useState<'staff' | 'candidate' | undefined>();
  const [live, setLive] = useState(0);
  // The newest status each application has announced on the event feed. Visibility (which the
  // lists read) trails the workflow by up to a second or so; the feed does not, so the board
  // shows what the feed said until visibility has caught up.
  const [announced, setAnnounced] = useState<ReadonlyMap<string, ApplicationStatus>>(new Map());
  const hash = useHash();

  useEffect(() => {
    if (!token) return;
    // A candidate token can read /me; a staff token cannot.
    fetch('/me', { headers: { authorization: `Bearer ${token}` } })
      .then((r) => setRole(r.status === 200 ? 'candidate' : r.status === 403 ? 'staff' : undefined))
      .catch(() => setRole(undefined));
  }, [token]);

  useEffect(() => {
    if (role !== 'staff') return;
    const abort = new AbortController();
    void followEvents((e) => {
      const status = ApplicationStatusSchema.safeParse(e.status);
      const { applicationId } = e;
      if (applicationId && status.success) setAnnounced((m) => new Map(m).set(applicationId, status.data));
      setLive((n) => n + 1);
    }, abort.signal).catch(() => undefined);
    return () => abort.abort();
  }, [role]);

  const signIn = (value: string) => {
    tokenStore.set(value);
    setToken(value);
  };
  const forget = () => {
    tokenStore.set('');
    setToken('');
    setRole(undefined);
  };
  const signOut = () => {
    // The token stops working at the API, not only in this browser.
    void call('DELETE', '/session').catch(() => undefined);
    forget();
  };
  const [notice, setNotice] = useState<string>();
  const erased = () => {
    forget();
    location.hash = '#/';
    setNotice('Your account and your personal data have been deleted.');
  };

  const route = parseRoute(hash);
  const candidateSignIn = <CandidateSignIn onToken={signIn} />;

  if (!token || !role) {
    // Anyone may browse the vacancies; applying needs an account.
    if (route.page === 'position')
      return (
        <main>
          <PositionPage id={route.id} signedIn={false} signIn={candidateSignIn} />
        </main>
      );
    if (route.page === 'sign-up')
      return (
        <main>
          <SignUp next={route.id} onToken={signIn} />
        </main>
      );
    return (
      <main>
        <h1>INTERPOL Recruitment</h1>
        {notice && (
          <p className="message" role="status">
            {notice}
          </p>
        )}
        <div className="panels">
          <section className="panel">
            <h2>Candidates</h2>
            {candidateSignIn}
            <p>
              New here? <a href="#/sign-up">Create an account</a> with your name and email address.
            </p>
          </section>
          <section className="panel">
            <h2>Staff</h2>
            <form
              className="action"
              onSubmit={(e: FormEvent<HTMLFormElement>) => {
                e.preventDefault();
                signIn(field(e, 'token'));
              }}
            >
              <label>
                Access token <input name="token" type="password" size={50} aria-label="Access token" />
              </label>
              <button type="submit">Sign in</button>
            </form>
            {token && role === undefined && (
              <p className="message error">That token was not accepted (or it has expired): sign in again.</p>
            )}
          </section>
        </div>
        <Vacancies />
      </main>
    );
  }
  if (role === 'candidate')
    return (
      <>
        <header>
          <a href="#/">My applications</a>
          <a href="#/positions">Vacancies</a>
          <a href="#/profile">My profile</a>
          <span className="live" />
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </header>
        <main>
          {route.page === 'positions' ? (
            <Vacancies />
          ) : route.page === 'position' ? (
            <PositionPage id={route.id} signedIn signIn={candidateSignIn} />
          ) : route.page === 'profile' ? (
            <Profile onErased={erased} />
          ) : route.page === 'application' ? (
            <CandidateApplication id={route.id} />
          ) : (
            <CandidateApplications />
          )}
        </main>
      </>
    );
  return (
    <>
      <header>
        <a href="#/">Pipeline</a>
        <a href="#/positions">Positions</a>
        <a href="#/exam-sessions">Exam sessions</a>
        <span className="live" data-testid="live">
          {`live: ${live} event${live === 1 ? '' : 's'}`}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {route.page === 'application' ? (
          <ApplicationPage id={route.id} live={live} />
        ) : route.page === 'positions' ? (
          <PositionsDesk />
        ) : route.page === 'exam-sessions' ? (
          <ExamSessionsDesk />
        ) : (
          <Board live={live} announced={announced} />
        )}
      </main>
    </>
  );
}

/** The page a hash names: "#/position/P-1", "#/application/application%2FP-1%2Fc-7", "#/profile". */
type Route =
  | { page: 'home' | 'positions' | 'profile' | 'exam-sessions' }
  | { page: 'position' | 'application'; id: string }
  | { page: 'sign-up'; id?: string };
function parseRoute(hash: string): Route {
  const [, page = '', rest] = /^#\/([^/]*)(?:\/(.*))?$/.exec(hash) ?? [];
  const id = rest ? decodeURIComponent(rest) : undefined;
  if ((page === 'position' || page === 'application') && id) return { page, id };
  if (page === 'sign-up') return { page, id };
  if (page === 'positions' || page === 'profile' || page === 'exam-sessions') return { page };
  return { page: 'home' };
}

function Board({ live, announced }: { live: number; announced: ReadonlyMap<string, ApplicationStatus> }) {
  const [filters, setFilters] = useState({ positionId: '', dutyStation: '', contractType: '' });
  const [items, setItems] = useState<ApplicationSummary[]>([]);
  const [positions, setPositions] = useState<PositionSummary[]>([]);
  const [due, setDue] = useState<ApplicationSummary[]>([]);
  const [stuck, setStuck] = useState<ApplicationSummary[]>([]);
  const [figures, setFigures] = useState<{
    byStage: Record<string, number>;
    timeToHireDays: Record<string, { hires: number; averageDays: number }>;
    averageDaysInStage: Record<string, number>;
  }>();
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      const query: Record<string, string> = {};
      if (filters.positionId) query.positionId = filters.positionId;
      if (filters.dutyStation) query.dutyStation = filters.dutyStation;
      const [apps, pos, soon, late, figs] = await Promise.all([
        listApplications(query),
        call<{ positions: PositionSummary[] }>('GET', '/positions?includeClosed=true'),
        // The panels beside the board follow its filters: a recruiter looking at one vacancy sees its deadlines.
        listApplications({ ...query, deadlineBefore: new Date(Date.now() + 7 * 86_400_000).toISOString() }),
        listApplications({ ...query, sla: 'escalated' }),
        call<NonNullable<typeof figures>>('GET', '/figures'),
      ]);
      const ofType = new Set(
        pos.positions
          .filter((p) => !filters.contractType || p.contractType === filters.contractType)
          .map((p) => p.positionId),
      );
      const shownType = (a: ApplicationSummary) => !filters.contractType || ofType.has(a.positionId);
      setItems(apps.items.filter(shownType));
      setPositions(pos.positions);
      setDue(soon.items.filter((a) => STAGES.includes(a.stage as never) && shownType(a)));
      setStuck(late.items.filter(shownType));
      setFigures(figs);
      setError('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [filters]);

  useEffect(() => {
    void load();
    if (live === 0) return;
    // Load once more a little later: an application that is new to visibility (a fresh
    // submission) has no card to relabel until visibility lists it.
    const again = setTimeout(() => void load(), 2_000);
    return () => clearTimeout(again);
  }, [load, live]);
  const shown = items.map((a) => ({ ...a, stage: announced.get(a.applicationId) ?? a.stage }));
  const listed = useMemo(() => [...items, ...due, ...stuck], [items, due, stuck]);
  const names = useApplicantNames(listed);
  const titles = new Map(positions.map((p) => [p.positionId, p.title]));
  // An application as a person reads it in a list: who applied, for what.
  const described = (a: ApplicationSummary) => (
    <a href={applicationLink(a.applicationId)} title={a.applicationId}>
      {names.get(a.applicationId) ?? a.candidateId} · {titles.get(a.positionId) ?? a.positionId}
    </a>
  );

  const select = (name: keyof typeof filters, options: readonly string[], title: string) => (
    <FilterSelect
      title={title}
      value={filters[name]}
      options={options}
      onChange={(value) => setFilters({ ...filters, [name]: value })}
    />
  );
  const max = Math.max(1, ...Object.values(figures?.byStage ?? {}));
  return (
    <>
      {error && <p className="message error">{error}</p>}
      <div className="filters">
        {select(
          'positionId',
          positions.map((p) => p.positionId),
          'Position',
        )}
        {select('dutyStation', DutyStationSchema.options, 'Duty station')}
        {select('contractType', ContractTypeSchema.options, 'Contract type')}
      </div>
      <div className="board">
        {STAGES.map((stage) => {
          const inStage = shown.filter((a) => a.stage === stage);
          return (
            <section className="column" key={stage} data-stage={stage}>
              <h3>
                {label(stage)} <span data-testid={`count-${stage}`}>{inStage.length}</span>
              </h3>
              {inStage.map((a) => (
                <div
                  className="card"
                  key={a.applicationId}
                  data-application={a.applicationId}
                  onClick={() => (location.hash = applicationLink(a.applicationId))}
                >
                  <strong>{a.positionId}</strong> ·{' '}
                  <span title={a.candidateId}>{names.get(a.applicationId) ?? a.candidateId}</span>
                  <br />
                  {a.dutyStation} {a.sla !== 'ok' && <em>({a.sla})</em>}
                </div>
              ))}
            </section>
          );
        })}
      </div>
      <div className="panels">
        <section className="panel">
          <h3>Funnel</h3>
          {ApplicationStatusSchema.options.map((s) => (
            <div className="bar" key={s}>
              <span style={{ width: '7rem' }}>{label(s)}</span>
              <span className="fill" style={{ width: `${((figures?.byStage[s] ?? 0) / max) * 60}%` }} />
              {figures?.byStage[s] ?? 0}
            </div>
          ))}
          <h3>Average days in stage</h3>
          <table>
            <tbody>
              {Object.entries(figures?.averageDaysInStage ?? {}).map(([stage, days]) => (
                <tr key={stage}>
                  <td>{label(stage)}</td>
                  <td>{days.toFixed(1)} days</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Time to hire</h3>
          <table>
            <tbody>
              {Object.entries(figures?.timeToHireDays ?? {}).map(([p, t]) => (
                <tr key={p}>
                  <td title={p}>{titles.get(p) ?? p}</td>
                  <td>
                    {t.averageDays.toFixed(1)} days ({t.hires} hire{t.hires === 1 ? '' : 's'})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="panel">
          <h3>Deadlines in the next 7 days</h3>
          <table data-testid="due">
            <tbody>
              {due.map((a) => (
                <tr key={a.applicationId}>
                  <td>{described(a)}</td>
                  <td>{label(a.stage)}</td>
                  <td>{when(a.nextDeadline, a.dutyStation)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Past their service level (escalated)</h3>
          <table>
            <tbody>
              {stuck.map((a) => (
                <tr key={a.applicationId}>
                  <td>{described(a)}</td>
                  <td>{label(a.stage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}

/**
 * The applicants' names for the board's cards and lists, asked for once per application: the board reloads
 * at every live event, and a name seldom changes.
 */
function useApplicantNames(items: readonly ApplicationSummary[]): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    const missing = items.map((a) => a.applicationId).filter((id) => !asked.current.has(id));
    if (missing.length === 0) return;
    for (const id of missing) asked.current.add(id);
    for (let i = 0; i < missing.length; i += 200) {
      const chunk = missing.slice(i, i + 200);
      call<{ applicants: Record<string, { name: string }> }>('POST', '/applications/applicants', {
        applicationIds: chunk,
      })
        .then((r) =>
          setNames(
            (m) => new Map([...m, ...Object.entries(r.applicants).map(([id, a]) => [id, a.name] as const)]),
          ),
        )
        .catch(() => {
          // Asked again at the next load.
          for (const id of chunk) asked.current.delete(id);
        });
    }
  }, [items]);
  return names;
}

/** A candidate's deadline moved later, to the time the recruiter types. */
const moreTime = (label: string, deadline: DeadlineKind): Action => ({
  label,
  fields: ['until'],
  build: (f) => ({ type: 'extend_deadline', deadline, until: new Date(f.until ?? '').toISOString() }),
});

type Action = {
  label: string;
  fields: string[];
  build: (f: Record<string, string>) => CommandInput;
  danger?: boolean;
};

/** Who reads what a recruiter types: their notes stay with staff; some words go to the candidate. */
const WHO_READS: Record<string, string> = {
  notes: 'staff only',
  reason: 'sent to the candidate',
  terms: 'sent to the candidate',
};

/** What a recruiter can do next, by stage: each a small form that sends one transition. */
function actionsFor(v: ApplicationView): Action[] {
  const out: Action[] = [];
  const station = v.position.dutyStation;
  switch (v.status) {
    case 'submitted':
      out.push({
        label: 'Shortlist',
        fields: ['notes'],
        build: (f) => ({ type: 'screen', decision: 'shortlist', notes: f.notes ?? '' }),
      });
      break;
    case 'screened':
      out.push({
        label: 'Schedule interview',
        fields: ['at', 'video link'],
        build: (f) => ({
          type: 'schedule_interview',
          at: new Date(f.at ?? '').toISOString(),
          mode: f['video link']
            ? { kind: 'video', link: f['video link'] }
            : { kind: 'in_person', dutyStation: station },
          contactedBy: 'email',
        }),
      });
      break;
    case 'interview':
      out.push({
        label: 'Interview passed',
        fields: ['notes'],
        build: (f) => ({ type: 'record_interview', outcome: 'pass', notes: f.notes ?? '' }),
      });
      out.push({
        label: 'Reschedule interview',
        fields: ['at', 'reason'],
        build: (f) => ({
          type: 'reschedule_interview',
          at: new Date(f.at ?? '').toISOString(),
          reason: f.reason ?? '',
        }),
      });
      if (!v.interview?.confirmedAt) out.push(moreTime('More time to confirm', 'interview_confirmation'));
      break;
    case 'offer':
      out.push(moreTime('More time to answer the offer', 'offer_response'));
      break;
    case 'written_exam':
      if (!v.exam)
        out.push({
          label: 'Book exam seat',
          fields: ['session'],
          build: (f) => ({ type: 'schedule_exam', sessionId: f.session ?? '' }),
        });
      else if (!v.examResult)
        out.push({
          label: 'Record exam result',
          fields: ['score'],
          build: (f) => ({
            type: 'record_exam_result',
            score: Number(f.score),
            passed: Number(f.score) >= 50,
          }),
        });
      else
        out.push({
          label: 'Make offer',
          fields: ['terms'],
          build: (f) => ({ type: 'make_offer', terms: f.terms ?? '' }),
        });
      break;
    default:
      break;
  }
  if (STAGES.includes(v.status as never)) {
    out.push({
      label: 'Reject',
      fields: ['reason'],
      build: (f) => ({ type: 'reject', reason: f.reason ?? '' }),
      danger: true,
    });
  }
  return out;
}

function ApplicationPage({ id, live }: { id: string; live: number }) {
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string }>();
  const failed = (err: unknown) =>
    setMessage({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
  const { view, setView, submission, applicant } = useApplication(id, failed, live);
  if (!view) return <p>{message?.text ?? 'Loading…'}</p>;
  const station = view.position.dutyStation;
  return (
    <>
      <h2>
        {view.position.title} ({view.position.reference}) —{' '}
        <span data-testid="status">{label(view.status)}</span>
      </h2>
      <p>
        {view.applicationId} · duty station {DUTY_STATIONS[station].city} · submitted{' '}
        {when(view.submittedAt, station)}
      </p>
      <p data-testid="applicant">
        {applicant ? (
          <>
            <strong>{applicant.name}</strong> · <a href={`mailto:${applicant.email}`}>{applicant.email}</a>
            {applicant.nationality && ` · nationality ${applicant.nationality}`}
            {applicant.lawEnforcement?.serving &&
              ` · serving law-enforcement officer${applicant.lawEnforcement.country ? ` (${applicant.lawEnforcement.country})` : ''}`}
          </>
        ) : (
          <em>The candidate's personal data has been erased.</em>
        )}
      </p>
      {message && (
        <p className={`message ${message.kind}`} role="status">
          {message.text}
        </p>
      )}
      {actionsFor(view).map((a) => (
        <form
          key={a.label}
          className="action"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const fields = Object.fromEntries(
              [...new FormData(e.currentTarget)].map(([k, v]) => [k, typeof v === 'string' ? v : v.name]),
            );
            act(view.applicationId, a.build(fields))
              .then((next) => {
                setView(next);
                setMessage({ kind: 'ok', text: `${a.label}: done, now ${label(next.status)}` });
              })
              .catch((err: unknown) =>
                setMessage({ kind: 'error', text: err instanceof ApiRefusal ? err.message : String(err) }),
              );
          }}
        >
          {a.fields.map((f) => (
            <label key={f}>
              {f}
              {WHO_READS[f] && <small className="who-reads"> ({WHO_READS[f]})</small>}{' '}
              {f === 'session' ? (
                <SessionSelect dutyStation={station} ariaLabel={`${a.label} ${f}`} />
              ) : (
                <input
                  name={f}
                  aria-label={`${a.label} ${f}`}
                  type={f === 'at' || f === 'until' ? 'datetime-local' : 'text'}
                  required={f === 'at' || f === 'until'}
                />
              )}
            </label>
          ))}
          <button type="submit" className={a.danger ? 'secondary' : ''}>
            {a.label}
          </button>
        </form>
      ))}
      <div className="panels">
        <section className="panel">
          <h3>Deadlines</h3>
          <table>
            <tbody>
              {view.upcomingDeadlines.map((d) => (
                <tr key={d.kind}>
                  <td>{label(d.kind)}</td>
                  <td>{when(d.at, station)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.interview && (
            <p>
              Interview: {when(view.interview.at, station)},{' '}
              {view.interview.mode.kind === 'video' ? 'by video' : 'in person'}
              {view.interview.confirmedAt ? ', confirmed' : ', not yet confirmed'}
              {view.interview.outcome ? `, ${view.interview.outcome}` : ''}
            </p>
          )}
          {view.exam && (
            <p>
              Exam: session {view.exam.sessionId}, seat {view.exam.seat},{' '}
              {when(view.exam.startsAt, view.exam.dutyStation)}
              {view.examResult
                ? `, score ${view.examResult.score} (${view.examResult.passed ? 'passed' : 'failed'})`
                : ''}
            </p>
          )}
          {view.offer && (
            <p>
              Offer: {view.offer.terms}; respond by {when(view.offer.respondBy, station)}
            </p>
          )}
          {view.outcome && (
            <p>
              Outcome: {label(view.outcome.status)} — {view.outcome.reason}
            </p>
          )}
        </section>
        {submission && (
          <SubmissionPanel
            title="Submitted with"
            applicationId={id}
            submission={submission}
            onError={failed}
          />
        )}
        <section className="panel">
          <h3>Timeline</h3>
          <table data-testid="timeline">
            <tbody>
              {view.timeline.map((t) => (
                <tr key={t.seq}>
                  <td>{new Date(t.at).toLocaleString('en-GB')}</td>
                  <td>{t.actor.role}</td>
                  <td>{t.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
