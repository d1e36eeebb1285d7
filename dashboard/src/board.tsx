// The staff board: applications by stage, with filters and counts; deadlines coming due, escalations,
// the funnel and time to hire beside it; live from the event stream.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ActiveStageSchema,
  ApplicationStatusSchema,
  type ApplicationStatus,
} from '../../schemas/application.js';
import { ContractTypeSchema, DutyStationSchema } from '../../schemas/reference.js';
import { call, listApplications, type ApplicationSummary, type PositionSummary, download } from './api.js';
import { applicationLink, label, when } from './format.js';
import { FilterSelect, Message } from './ui.js';

const STAGES = ActiveStageSchema.options;

export function Board({
  live,
  announced,
}: {
  live: number;
  announced: ReadonlyMap<string, ApplicationStatus>;
}) {
  // `mine`: 'true' for the applications the signed-in recruiter is in charge of (strings, as the query has them).
  const [filters, setFilters] = useState({ positionId: '', dutyStation: '', contractType: '', mine: '' });
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
      if (filters.mine) query.mine = 'true';
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
  // What the board shows, for a spreadsheet: the same filters, every application (no names).
  const exportList = async () => {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    try {
      await download(
        `/applications/export.csv?${query}`,
        `applications-${new Date().toISOString().slice(0, 10)}.csv`,
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const max = Math.max(1, ...Object.values(figures?.byStage ?? {}));
  return (
    <>
      {error && <Message kind="error">{error}</Message>}
      <div className="filters">
        {select(
          'positionId',
          positions.map((p) => p.positionId),
          'Position',
        )}
        {select('dutyStation', DutyStationSchema.options, 'Duty station')}
        {select('contractType', ContractTypeSchema.options, 'Contract type')}
        <label className="inline">
          <input
            type="checkbox"
            checked={filters.mine === 'true'}
            onChange={(e) => setFilters({ ...filters, mine: e.target.checked ? 'true' : '' })}
          />{' '}
          Only the applications I am in charge of
        </label>
        <button type="button" onClick={() => void exportList()}>
          Download as CSV
        </button>
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
