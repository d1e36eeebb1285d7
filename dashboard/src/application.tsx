// One application as both its pages need it (the recruiter's and the candidate's): the workflow's
// view of it, and what the candidate sent with it.
import { useCallback, useEffect, useState } from 'react';
import type { ApplicationView } from '../../schemas/application.js';
import type { DocumentRef } from '../../schemas/candidate.js';
import { applicationPath, call, download } from './api.js';
import { label } from './format.js';

/** The answers to the position's questions, and the files, as the API returns them with the application. */
export type Submission = { answers: Record<string, string>; documents: DocumentRef[] } | null;

/** The application and its submission, loaded again whenever `refresh` changes (a live event). */
export function useApplication(id: string, onError: (err: unknown) => void, refresh: unknown = 0) {
  const [view, setView] = useState<ApplicationView>();
  const [submission, setSubmission] = useState<Submission>(null);
  const load = useCallback(() => {
    call<ApplicationView & { submission: Submission }>('GET', applicationPath(id))
      .then(({ submission: sent, ...current }) => {
        setView(current);
        setSubmission(sent);
      })
      .catch(onError);
    // onError is left out of the dependencies: a new function at each render must not reload.
  }, [id]);
  useEffect(load, [load, refresh]);
  return { view, setView, submission };
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
  return (
    <section className="panel">
      <h3>{title}</h3>
      {Object.entries(submission.answers).map(([question, answer]) => (
        <p key={question}>
          <strong>{label(question)}</strong>: {answer}
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
