// The recruiter's desk beside the pipeline: publishing and managing vacancies, and the written-exam
// sessions seats are booked in.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ExamSessionSummary } from '../../schemas/exam.js';
import {
  DocumentKindSchema,
  type Position,
  type PositionCommand,
  type PositionDraftInput,
  type PositionSummary,
} from '../../schemas/position.js';
import {
  ContractTypeSchema,
  DUTY_STATIONS,
  DutyStationSchema,
  type DutyStation,
} from '../../schemas/reference.js';
import { instantToZoned, zonedToInstant } from '../../schemas/time.js';
import { call } from './api.js';
import { cityOf, field, label, when } from './format.js';
import { StaffSelect } from './team.js';
import { Message, Problems } from './ui.js';

function StationSelect({ name, title, initial = 'LYO' }: { name: string; title: string; initial?: string }) {
  return (
    <label>
      {title}
      <select name={name} aria-label={title} defaultValue={initial}>
        {DutyStationSchema.options.map((s) => (
          <option key={s} value={s}>
            {DUTY_STATIONS[s].city}
          </option>
        ))}
      </select>
    </label>
  );
}

// ---- Positions

/**
 * Questions typed one per line; a line ending in "(optional)" is optional. Each gets a short id
 * (q1, q2, …): the answers are stored under it.
 */
function questionsFrom(text: string): PositionDraftInput['questions'] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const optional = /\(optional\)$/i.test(line);
      return {
        id: `q${i + 1}`,
        text: optional ? line.replace(/\s*\(optional\)$/i, '') : line,
        required: !optional,
      };
    });
}

export function PositionsDesk() {
  const [positions, setPositions] = useState<PositionSummary[]>([]);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [managing, setManaging] = useState<string>();
  // A vacancy to start the next one from (the same post again, at another station): its words,
  // documents and questions; a new id, reference and closing time are the recruiter's to type.
  const [like, setLike] = useState<Position>();
  // Only the signed-in recruiter's own vacancies (positions opened before 30 November 2026 name nobody).
  const [mine, setMine] = useState(false);
  const startFrom = (p: PositionSummary) =>
    call<Position>('GET', `/positions/${encodeURIComponent(p.positionId)}`)
      .then((full) => {
        setLike(full);
        setDone(
          `The form below starts from ${full.title} (${full.reference}): give it its own id, reference and closing time.`,
        );
      })
      .catch(setError);
  const load = useCallback(() => {
    call<{ positions: PositionSummary[] }>('GET', `/positions?includeClosed=true${mine ? '&mine=true' : ''}`)
      .then((r) => setPositions(r.positions))
      .catch(setError);
  }, [mine]);
  useEffect(load, [load]);
  // The list comes from visibility, which trails a change by a moment: the answer to the change
  // is shown at once, and the list is read again shortly after.
  const changed = (p: PositionSummary, said: string) => {
    setPositions((list) =>
      list.some((x) => x.positionId === p.positionId)
        ? list.map((x) => (x.positionId === p.positionId ? p : x))
        : [p, ...list],
    );
    setDone(said);
    setError(undefined);
    setTimeout(load, 1500);
  };

  const publish = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const draft: Omit<PositionDraftInput, 'recruiterId'> = {
      positionId: field(e, 'positionId'),
      reference: field(e, 'reference'),
      title: field(e, 'title'),
      description: field(e, 'description'),
      requirements: field(e, 'requirements')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
      dutyStation: field(e, 'dutyStation') as DutyStation,
      contractType: field(e, 'contractType') as PositionDraftInput['contractType'],
      deadlineLocal: field(e, 'deadlineLocal'),
      requiredDocuments: data.getAll('requiredDocuments') as PositionDraftInput['requiredDocuments'],
      questions: questionsFrom(field(e, 'questions')),
    };
    setDone(undefined);
    call<Position>('POST', '/positions', draft)
      .then((p) => {
        form.reset();
        setLike(undefined);
        changed({ ...p, status: 'open' }, `${p.title} (${p.reference}) is published.`);
      })
      .catch(setError);
  };
  const change = (p: PositionSummary, command: PositionCommand, said: string) =>
    call<PositionSummary>('POST', `/positions/${encodeURIComponent(p.positionId)}/changes`, command)
      .then((next) => {
        setManaging(undefined);
        changed(next, said);
      })
      .catch(setError);

  return (
    <>
      <h2>Positions</h2>
      {done && <Message>{done}</Message>}
      <Problems error={error} />
      <label>
        <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only my vacancies
      </label>
      <table className="vacancies" data-testid="positions">
        <thead>
          <tr>
            <th>Vacancy</th>
            <th>Duty station</th>
            <th>Contract</th>
            <th>Status</th>
            <th>Closes</th>
            <th>In charge</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {positions.map((p) => (
            <tr key={p.positionId} data-position={p.positionId}>
              <td>
                {p.title} <small>{p.reference}</small>
              </td>
              <td>{cityOf(p.dutyStation)}</td>
              <td>{label(p.contractType)}</td>
              <td data-testid="position-status">{p.status}</td>
              <td>{when(p.deadline, p.dutyStation)}</td>
              <td data-testid="position-recruiter">{p.recruiterId ?? '—'}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Publish one like ${p.positionId}`}
                  onClick={() => void startFrom(p)}
                >
                  Publish one like it
                </button>{' '}
                {(p.status === 'open' || p.status === 'closed') &&
                  (managing === p.positionId ? (
                    <ManagePosition position={p} onChange={change} onDone={() => setManaging(undefined)} />
                  ) : (
                    <button type="button" onClick={() => setManaging(p.positionId)}>
                      Manage {p.positionId}
                    </button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form className="profile panel" onSubmit={publish} key={like?.positionId ?? 'new'}>
        <h3>Publish a vacancy</h3>
        <label>
          Position id{' '}
          <input
            id="new-position-id"
            // Started from another vacancy: the cursor waits where the new one's own words begin.
            autoFocus={like !== undefined}
            name="positionId"
            aria-label="Position id"
            required
            pattern="[A-Za-z0-9_\-]{1,40}"
          />
        </label>
        <label>
          Reference <input name="reference" aria-label="Reference" required maxLength={64} />
        </label>
        <label>
          Title <input name="title" aria-label="Title" required maxLength={300} defaultValue={like?.title} />
        </label>
        <label>
          Description{' '}
          <textarea
            name="description"
            aria-label="Description"
            rows={5}
            required
            defaultValue={like?.description}
          />
        </label>
        <label>
          Requirements, one a line{' '}
          <textarea
            name="requirements"
            aria-label="Requirements"
            rows={3}
            defaultValue={like?.requirements.join('\n')}
          />
        </label>
        <StationSelect name="dutyStation" title="Duty station" initial={like?.dutyStation} />
        <label>
          Contract type
          <select
            name="contractType"
            aria-label="Contract type"
            defaultValue={like?.contractType ?? 'fixed_term'}
          >
            {ContractTypeSchema.options.map((c) => (
              <option key={c} value={c}>
                {label(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Closes at, the duty station's local time{' '}
          <input name="deadlineLocal" type="datetime-local" aria-label="Closes at" required />
        </label>
        <fieldset>
          <legend>Documents to send</legend>
          {DocumentKindSchema.options.map((k) => (
            <label key={k} className="inline">
              <input
                type="checkbox"
                name="requiredDocuments"
                value={k}
                defaultChecked={like ? like.requiredDocuments.includes(k) : k === 'cv'}
              />{' '}
              {label(k)}
            </label>
          ))}
        </fieldset>
        <label>
          Questions, one a line (end a line with "(optional)" to make it optional)
          <textarea
            name="questions"
            aria-label="Questions"
            rows={3}
            defaultValue={like?.questions
              .map((q) => (q.required ? q.text : `${q.text} (optional)`))
              .join('\n')}
          />
        </label>
        <button type="submit">Publish</button>
      </form>
    </>
  );
}

function ManagePosition({
  position: p,
  onChange,
  onDone,
}: {
  position: PositionSummary;
  onChange: (p: PositionSummary, command: PositionCommand, said: string) => Promise<void>;
  onDone: () => void;
}) {
  // Each form sends one change, made from what was typed, and says what it did.
  const change =
    (from: (e: FormEvent<HTMLFormElement>) => [PositionCommand, string]) =>
    (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      void onChange(p, ...from(e));
    };
  return (
    <div className="manage">
      <form
        className="action"
        onSubmit={change((e) => {
          const deadlineLocal = field(e, 'deadlineLocal');
          return [
            { type: 'extend_deadline', deadlineLocal },
            `${p.positionId} now closes at ${deadlineLocal.replace('T', ' ')} in ${cityOf(p.dutyStation)}.`,
          ];
        })}
      >
        <label>
          New closing time{' '}
          <input
            name="deadlineLocal"
            type="datetime-local"
            aria-label={`New closing time of ${p.positionId}`}
            defaultValue={p.deadlineLocal}
            required
          />
        </label>
        <button type="submit">Extend</button>
      </form>
      <form
        className="action"
        onSubmit={change((e) => [
          { type: 'cancel', reason: field(e, 'reason') },
          `${p.positionId} is cancelled; its applications are being closed.`,
        ])}
      >
        <label>
          Reason{' '}
          <input name="reason" aria-label={`Why ${p.positionId} is cancelled`} required maxLength={2000} />
        </label>
        <button type="submit" className="secondary">
          Cancel the vacancy
        </button>
      </form>
      <form
        className="action"
        onSubmit={change((e) => {
          const to = field(e, 'to');
          return [
            { type: 'hand_over', recruiterId: to },
            `${p.positionId} is in the charge of ${to} now; its applications in progress are being handed over.`,
          ];
        })}
      >
        <label>
          Hand over to{' '}
          <StaffSelect name="to" ariaLabel={`Who takes ${p.positionId} over`} except={p.recruiterId} />
        </label>
        <button type="submit">Hand over</button>
      </form>
      <button
        type="button"
        onClick={() =>
          void onChange(
            p,
            { type: 'fill' },
            `${p.positionId} is filled; its other applications are being closed.`,
          )
        }
      >
        Mark filled
      </button>{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

// ---- Exam sessions

/** Sessions still ahead (at one duty station if given), with the seats left. */
export function useExamSessions(dutyStation?: string, refresh: unknown = 0) {
  const [sessions, setSessions] = useState<ExamSessionSummary[]>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const query = dutyStation ? `?dutyStation=${dutyStation}` : '';
    call<{ sessions: ExamSessionSummary[] }>('GET', `/exam-sessions${query}`)
      .then((r) => setSessions(r.sessions))
      .catch(setError);
  }, [dutyStation, refresh]);
  return { sessions, error };
}

export function ExamSessionsDesk() {
  const [made, setMade] = useState(0);
  const { sessions, error: listError } = useExamSessions(undefined, made);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const dutyStation = field(e, 'dutyStation') as DutyStation;
    const local = field(e, 'startsAt');
    setDone(undefined);
    setError(undefined);
    // Typed in the duty station's time, as its staff and the candidates' convocations say it.
    const startsAt = local ? zonedToInstant(local, DUTY_STATIONS[dutyStation].timeZone).toISOString() : '';
    call<ExamSessionSummary>('POST', '/exam-sessions', {
      sessionId: field(e, 'sessionId'),
      dutyStation,
      startsAt,
      durationMinutes: Number(field(e, 'durationMinutes')),
      capacity: Number(field(e, 'capacity')),
    })
      .then((s) => {
        form.reset();
        setDone(`Session ${s.sessionId} is open for booking.`);
        setMade((n) => n + 1);
      })
      .catch(setError);
  };
  return (
    <>
      <h2>Written-exam sessions</h2>
      <Problems error={listError} />
      {sessions && sessions.length === 0 && <p>No session ahead.</p>}
      {sessions && sessions.length > 0 && (
        <table className="vacancies" data-testid="exam-sessions">
          <thead>
            <tr>
              <th>Session</th>
              <th>Duty station</th>
              <th>Starts</th>
              <th>Duration</th>
              <th>Seats left</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.sessionId} data-session={s.sessionId}>
                <td>{s.sessionId}</td>
                <td>{cityOf(s.dutyStation)}</td>
                <td>{when(s.startsAt, s.dutyStation)}</td>
                <td>{s.durationMinutes} min</td>
                <td>
                  {s.seatsLeft} of {s.capacity}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="profile panel" onSubmit={create}>
        <h3>Open a session</h3>
        <label>
          Session id{' '}
          <input name="sessionId" aria-label="Session id" required pattern="[A-Za-z0-9_\-]{1,64}" />
        </label>
        <StationSelect name="dutyStation" title="Duty station" />
        <label>
          Starts at, the duty station's local time{' '}
          <input name="startsAt" type="datetime-local" aria-label="Starts at" required />
        </label>
        <label>
          Duration in minutes{' '}
          <input
            name="durationMinutes"
            type="number"
            min={1}
            max={600}
            defaultValue={180}
            aria-label="Duration in minutes"
          />
        </label>
        <label>
          Seats{' '}
          <input name="capacity" type="number" min={1} max={10000} defaultValue={30} aria-label="Seats" />
        </label>
        <button type="submit">Open the session</button>
      </form>
      {done && <Message>{done}</Message>}
      <Problems error={error} />
    </>
  );
}

/** The session picker of "Book exam seat": sessions ahead at the application's duty station. */
export function SessionSelect({ dutyStation, ariaLabel }: { dutyStation: string; ariaLabel: string }) {
  const { sessions, error } = useExamSessions(dutyStation);
  if (error) return <Problems error={error} />;
  if (sessions && sessions.length === 0)
    return (
      <span>
        No session ahead at {cityOf(dutyStation)}: <a href="#/exam-sessions">open one</a>.
      </span>
    );
  return (
    <select name="session" aria-label={ariaLabel} required>
      {(sessions ?? []).map((s) => (
        <option key={s.sessionId} value={s.sessionId} disabled={s.seatsLeft === 0}>
          {s.sessionId}: {instantToZoned(s.startsAt, DUTY_STATIONS[s.dutyStation].timeZone).replace('T', ' ')}
          , {s.seatsLeft} seat{s.seatsLeft === 1 ? '' : 's'} left
        </option>
      ))}
    </select>
  );
}
