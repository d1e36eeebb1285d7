// One application as both its pages need it (the recruiter's and the candidate's): the workflow's
// view of it, and what the candidate sent with it.
import { useCallback, useEffect, useState } from 'react';
import type { ApplicationView } from '../../schemas/application.js';
import type { DocumentRef } from '../../schemas/candidate.js';
import { applicationPath, call, download } from './api.js';
import { label } from './format.js';

/** The answers to the position's questions, and the files, as the API returns them with the application. */
export type Submission = { answers: Record<string, string>; documents: DocumentRef[] } | null;

/** Who applied, for staff (null for the candidate themselves, and once the candidate is erased). */
export type Applicant = {
  name: string;
  email: string;
  nationality: string | null;
  lawEnforcement: { serving: boolean; country?: string } | null;
} | null;

/** The application and its submission, loaded again whenever `refresh` changes (a live event). */
export function useApplication<V extends { applicationId: string } = ApplicationView>(
  id: string,
  onError: (err: unknown) => void,
  refresh: unknown = 0,
) {
  const [view, setView] = useState<V>();
  const [submission, setSubmission] = useState<Submission>(null);
  const [applicant, setApplicant] = useState<Applicant>(null);
  const load = useCallback(() => {
    call<V & { submission: Submission; applicant: Applicant }>('GET', applicationPath(id))
      .then((answer) => {
        setView(answer);
        setSubmission(answer.submission);
        setApplicant(answer.applicant);
      })
      .catch(onError);
    // onError is left out of the dependencies: a new function at each render must not reload.
  }, [id]);
  useEffect(load, [load, refresh]);
  return { view, setView, submission, applicant };
}

export function SubmissionPanel({
  title,
  applicationId,
  submission,
  onError,
}: {
  title: string;
  applicationId: string;
  submission: NonNullable<Submission>;
  onError: (err: unknown) => void;
}) {
  // Answers are stored by question id (q1, q2, …); the reader needs the question as it was asked.
  const [questions, setQuestions] = useState<ReadonlyMap<string, string>>(new Map());
  const positionId = applicationId.split('/')[1] ?? '';
  useEffect(() => {
    call<{ questions: { id: string; text: string }[] }>('GET', `/positions/${encodeURIComponent(positionId)}`)
      .then((p) => setQuestions(new Map(p.questions.map((q) => [q.id, q.text]))))
      .catch(() => undefined); // the ids stand in for the questions
  }, [positionId]);
  return (
    <section className="panel">
      <h3>{title}</h3>
      {Object.entries(submission.answers).map(([question, answer]) => (
        <p key={question}>
          <strong>{questions.get(question) ?? label(question)}</strong> {answer}
        </p>
      ))}
      <ul>
        {submission.documents.map((d) => (
          <li key={d.documentId}>
            {label(d.kind)}: {d.filename} ({Math.ceil(d.size / 1024)} KB){' '}
            <button
              type="button"
              onClick={() =>
                void download(
                  `${applicationPath(applicationId)}/documents/${d.documentId}`,
                  d.filename,
                ).catch(onError)
              }
            >
              Download {d.filename}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
