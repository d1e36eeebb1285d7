// Each of the candidate's applications in plain language, with the candidate's own next step
// (confirm the interview, answer the offer, withdraw).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import {
  ActiveStageSchema,
  type ApplicationStatus,
  type CandidateApplicationView,
} from '../../schemas/application.js';
import { DUTY_STATIONS } from '../../schemas/reference.js';
import { act, call, listApplications, newIdempotencyKey, type ApplicationSummary } from './api.js';
import { applicationLink, day, field, when } from './format.js';
import { SubmissionPanel, useApplication } from './application.js';
import { Message, Problems } from './ui.js';

const ACTIVE: readonly string[] = ActiveStageSchema.options;

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
      {done && <Message>{done}</Message>}
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
              ? `You confirmed it on ${day(view.interview.confirmedAt)}.`
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
              <td>{day(view.submittedAt)}</td>
              <td>Received</td>
            </tr>
            {view.steps
              .filter((t) => t.to !== 'submitted')
              .map((t) => (
                <tr key={`${t.at}/${t.to}`}>
                  <td>{day(t.at)}</td>
                  <td>{PLAIN[t.to][0]}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}
