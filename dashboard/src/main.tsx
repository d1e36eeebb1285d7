// The dashboard's shell: sign-in (staff by token, candidates by email and code) and the pages a
// `#/…` hash names, for staff and for candidates; the pages themselves are in the files beside it.
import { StrictMode, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { ApplicationStatusSchema, type ApplicationStatus, type Role } from '../../schemas/application.js';
import type { Contact } from '../../schemas/effects.js';
import { call, followEvents, tokenStore } from './api.js';
import { PositionPage, Vacancies } from './vacancies.js';
import { CandidateSignIn, Profile, SignUp } from './account.js';
import { CandidateApplication, CandidateApplications } from './my-applications.js';
import { Board } from './board.js';
import { ApplicationPage } from './application-page.js';
import { field } from './format.js';
import { ExamSessionsDesk, PositionsDesk } from './staff.js';
import { TeamDesk } from './team.js';
import { Message } from './ui.js';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** Who the signed-in token names (GET /session). */
interface Session {
  role: Exclude<Role, 'system'>;
  subject: string;
  /** Staff: where their emails go; null when no admin has kept it yet. */
  contact?: Contact | null;
}

function App() {
  const [token, setToken] = useState(tokenStore.get());
  const [session, setSession] = useState<Session>();
  const role = session && (session.role === 'candidate' ? 'candidate' : 'staff');
  const [live, setLive] = useState(0);
  // The newest status each application has announced on the event feed. Visibility (which the
  // lists read) trails the workflow by up to a second or so; the feed does not, so the board
  // shows what the feed said until visibility has caught up.
  const [announced, setAnnounced] = useState<ReadonlyMap<string, ApplicationStatus>>(new Map());
  const hash = useHash();

  useEffect(() => {
    if (!token) return;
    // Who the token names, which decides the pages; a token refused (expired, revoked) names nobody.
    fetch('/session', { headers: { authorization: `Bearer ${token}` } })
      .then(async (r) => setSession(r.status === 200 ? ((await r.json()) as Session) : undefined))
      .catch(() => setSession(undefined));
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
    setSession(undefined);
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
        {notice && <Message>{notice}</Message>}
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
              <Message kind="error">That token was not accepted (or it has expired): sign in again.</Message>
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
        {session?.role === 'admin' && <a href="#/staff">Staff</a>}
        <span className="live" data-testid="live">
          {`live: ${live} event${live === 1 ? '' : 's'}`}
        </span>
        <span className="who" data-testid="who">
          {session &&
            `${session.contact?.name ?? session.subject} (${session.role === 'hr' ? 'HR' : session.role})`}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {session?.contact === null && (
          <Message kind="error">
            {`No email address is on file for you (${session.subject}): the reminders and candidates' answers meant for you cannot be sent. `}
            {session.role === 'admin'
              ? 'Add yours on the Staff page.'
              : 'Ask an admin to add it on the Staff page.'}
          </Message>
        )}
        {route.page === 'application' ? (
          <ApplicationPage id={route.id} live={live} />
        ) : route.page === 'positions' ? (
          <PositionsDesk />
        ) : route.page === 'exam-sessions' ? (
          <ExamSessionsDesk />
        ) : route.page === 'staff' && session?.role === 'admin' ? (
          <TeamDesk />
        ) : (
          <Board live={live} announced={announced} />
        )}
      </main>
    </>
  );
}

/** The page a hash names: "#/position/P-1", "#/application/application%2FP-1%2Fc-7", "#/profile". */
type Route =
  | { page: 'home' | 'positions' | 'profile' | 'exam-sessions' | 'staff' }
  | { page: 'position' | 'application'; id: string }
  | { page: 'sign-up'; id?: string };
function parseRoute(hash: string): Route {
  const [, page = '', rest] = /^#\/([^/]*)(?:\/(.*))?$/.exec(hash) ?? [];
  const id = rest ? decodeURIComponent(rest) : undefined;
  if ((page === 'position' || page === 'application') && id) return { page, id };
  if (page === 'sign-up') return { page, id };
  if (page === 'positions' || page === 'profile' || page === 'exam-sessions' || page === 'staff')
    return { page };
  return { page: 'home' };
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
