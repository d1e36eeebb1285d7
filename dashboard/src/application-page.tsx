// An application's page for recruiters: the timeline, what was submitted, and a small form for
// each next step (each says who reads what is typed).
import { useState, type FormEvent } from 'react';
import {
  ActiveStageSchema,
  type ApplicationView,
  type CommandInput,
  type DeadlineKind,
} from '../../schemas/application.js';
import { DUTY_STATIONS } from '../../schemas/reference.js';
import { act, ApiRefusal } from './api.js';
import { instant, label, when } from './format.js';
import { SubmissionPanel, useApplication } from './application.js';
import { SessionSelect } from './staff.js';
import { StaffSelect } from './team.js';
import { Message } from './ui.js';

const STAGES = ActiveStageSchema.options;

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
    // For the next person on the file: no stage changes, nobody is written to.
    out.push({
      label: 'Add note',
      fields: ['notes'],
      build: (f) => ({ type: 'add_note', notes: f.notes ?? '' }),
    });
    // Someone else takes it over (the recruiter is leaving, or away): stage and deadlines stay.
    out.push({
      label: 'Hand over',
      fields: ['to', 'notes'],
      build: (f) => ({ type: 'hand_over', recruiterId: f.to ?? '', notes: f.notes ?? '' }),
    });
    out.push({
      label: 'Reject',
      fields: ['reason'],
      build: (f) => ({ type: 'reject', reason: f.reason ?? '' }),
      danger: true,
    });
  }
  return out;
}

export function ApplicationPage({ id, live }: { id: string; live: number }) {
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
        {when(view.submittedAt, station)} · in the charge of{' '}
        <span data-testid="in-charge">{view.recruiterId}</span>
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
      {message && <Message kind={message.kind}>{message.text}</Message>}
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
              ) : f === 'to' ? (
                <StaffSelect name="to" ariaLabel={`${a.label} ${f}`} except={view.recruiterId} />
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
        <section className="panel wide">
          <h3>Timeline</h3>
          <table data-testid="timeline">
            <thead>
              <tr>
                <th>When (your time)</th>
                <th>Who</th>
                <th>Stage</th>
                <th>What</th>
              </tr>
            </thead>
            <tbody>
              {view.timeline.map((t) => (
                <tr key={t.seq} data-kind={t.kind}>
                  <td className="nowrap">{instant(t.at)}</td>
                  <td>
                    {t.actor.role === 'system' || t.actor.role === 'candidate'
                      ? t.actor.role
                      : `${t.actor.role} ${t.actor.id}`}
                  </td>
                  <td>{t.from && t.to && t.from !== t.to ? `${label(t.from)} → ${label(t.to)}` : ''}</td>
                  <td>
                    {/* An effect's failure says so itself; these say what they are. */}
                    {['reminder', 'escalation', 'deadline', 'refused'].includes(t.kind)
                      ? `${t.kind}: ${t.detail}`
                      : t.detail}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </>
  );
}
