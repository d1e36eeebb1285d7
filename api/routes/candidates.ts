import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { applicationIdsOf } from '../../activities/erasure.js';
import {
  AccountRequestSchema,
  CodeRequestSchema,
  ConfirmationCodeSchema,
  DocumentRefSchema,
  ProfilePatchSchema,
  SignInSchema,
} from '../../schemas/candidate.js';
import { DocumentKindSchema } from '../../schemas/position.js';
import { CODE_ATTEMPTS } from '../../stores/candidates.js';
import { HttpError } from '../errors.js';
import { eraseCandidate, exportCandidate } from '../privacy.js';
import { Id, type RouteContext } from './context.js';

/** Candidates: accounts, sign-in by code, the profile and its documents, their data on request and its erasure. */
export function candidateRoutes({
  r,
  deps,
  who,
  limited,
  active,
  submissionOf,
  sendDocument,
}: RouteContext): void {
  // ---- Accounts and sign-in

  r.post(
    '/candidates',
    { config: { access: 'public', ...limited }, schema: { body: AccountRequestSchema } },
    async (req, reply) => {
      const { candidateId, code } = await deps.candidates.createAccount(req.body);
      await active(candidateId);
      await deps.mailer.sendRaw({
        emailId: `account:${candidateId}:confirm`,
        to: { kind: 'candidate', id: candidateId },
        subject: 'Confirm your email address',
        text: `Your confirmation code is ${code}. It is valid for 24 hours.`,
      });
      return reply.status(201).send({ candidateId, confirmation: 'a code was sent to your email address' });
    },
  );
  const wrongCode = () =>
    new HttpError(
      422,
      `the code is wrong, has expired or was used (${CODE_ATTEMPTS} wrong tries void a code): ask for a new one at POST /candidates/code`,
      [{ field: 'code', message: 'wrong, expired or used' }],
    );
  r.post(
    '/candidates/:candidateId/confirm',
    {
      config: { access: 'public', ...limited },
      schema: {
        params: z.object({ candidateId: z.string().min(1).max(64) }),
        body: z.object({ code: ConfirmationCodeSchema }),
      },
    },
    async (req) => {
      if (!(await deps.candidates.confirm(req.params.candidateId, req.body.code))) throw wrongCode();
      await active(req.params.candidateId);
      return { token: await deps.tokens.issue('candidate', req.params.candidateId) };
    },
  );
  // Signing in again (a new device, a lost token) or a first code that expired or never came: a
  // code by email, then the code for a token. The answer is the same whether or not an account has
  // the address, so the route tells nobody who has applied here.
  r.post(
    '/candidates/code',
    { config: { access: 'public', ...limited }, schema: { body: CodeRequestSchema } },
    async (req, reply) => {
      const issued = await deps.candidates.issueCode(req.body.email);
      if (issued) {
        await deps.mailer.sendRaw({
          emailId: `account:${issued.candidateId}:code:${issued.serial}`,
          to: { kind: 'candidate', id: issued.candidateId },
          subject: 'Your sign-in code',
          text: `Your sign-in code is ${issued.code}. It is valid for 30 minutes. If you did not ask for it, you can ignore this message: nobody can sign in without it.`,
        });
      }
      return reply.status(202).send({
        message: `if an account has this address, a code is on its way to it (at most one a minute)`,
      });
    },
  );
  r.post(
    '/candidates/sign-in',
    { config: { access: 'public', ...limited }, schema: { body: SignInSchema } },
    async (req) => {
      const candidateId = await deps.candidates.candidateIdFor(req.body.email);
      if (!candidateId || !(await deps.candidates.confirm(candidateId, req.body.code))) throw wrongCode();
      await active(candidateId);
      return { candidateId, token: await deps.tokens.issue('candidate', candidateId) };
    },
  );
  r.get('/me', { config: { access: ['candidate'] } }, async (req) => {
    const c = await deps.candidates.get(who(req).subject);
    if (!c) throw new HttpError(404, 'no profile');
    return c;
  });
  r.patch('/me', { config: { access: ['candidate'] }, schema: { body: ProfilePatchSchema } }, async (req) => {
    const updated = await deps.candidates.updateProfile(who(req).subject, req.body);
    await active(who(req).subject);
    return updated;
  });
  r.get(
    '/me/documents/:documentId',
    {
      config: { access: ['candidate'] },
      schema: { params: z.object({ documentId: DocumentRefSchema.shape.documentId }) },
    },
    async (req, reply) => {
      const candidateId = who(req).subject;
      const ref = (await deps.candidates.get(candidateId))?.profile.documents.find(
        (d) => d.documentId === req.params.documentId,
      );
      if (!ref) throw new HttpError(404, 'no such document on your profile');
      return sendDocument(reply, candidateId, ref);
    },
  );
  r.delete(
    '/me/documents/:documentId',
    {
      config: { access: ['candidate'] },
      schema: { params: z.object({ documentId: DocumentRefSchema.shape.documentId }) },
    },
    async (req) => {
      const candidateId = who(req).subject;
      const { documentId } = req.params;
      // Refused by the store, and nothing changed, when the document is not on the profile.
      await deps.candidates.removeDocument(candidateId, documentId);
      // A file an application was submitted with stays for the recruiters screening it (it goes with
      // the candidate's key at erasure); any other file is deleted now.
      const keptFor: string[] = [];
      const listing = { client: deps.client, submissions: deps.nats.submissions };
      for (const applicationId of await applicationIdsOf(listing, candidateId)) {
        const sent = await submissionOf(applicationId, candidateId);
        if (sent?.documents.some((d) => d.documentId === documentId)) keptFor.push(applicationId);
      }
      if (keptFor.length === 0) await deps.documents.delete(candidateId, documentId);
      await active(candidateId);
      return { removed: documentId, keptFor };
    },
  );
  r.post(
    '/me/documents',
    {
      config: { access: ['candidate'] },
      schema: {
        querystring: z.object({ kind: DocumentKindSchema, filename: z.string().min(1).max(255) }),
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpError(
          415,
          'send the file itself, with Content-Type application/pdf or the Word .docx type',
        );
      }
      const candidateId = who(req).subject;
      const ref = await deps.documents.put(candidateId, {
        kind: req.query.kind,
        filename: req.query.filename,
        contentType: req.headers['content-type'] ?? '',
        bytes: req.body,
      });
      await deps.candidates.addDocument(candidateId, ref);
      await active(candidateId);
      return reply.status(201).send(ref);
    },
  );

  // ---- Data protection: subject access and erasure

  const privacy = {
    client: deps.client,
    nats: deps.nats,
    candidates: deps.candidates,
    documents: deps.documents,
    keys: deps.keys,
    tokens: deps.tokens,
  };
  /**
   * Each erasure in the log, by id (an id says nothing of the person): a restore from a backup older
   * than an erasure brings the candidate's key back, and these lines say whom to erase again.
   */
  const erased = (req: FastifyRequest, candidateId: string, by: 'candidate' | 'admin') =>
    req.log.info({ candidateId, by }, 'candidate erased');
  r.get('/me/export', { config: { access: ['candidate'] } }, async (req) =>
    exportCandidate(privacy, who(req).subject),
  );
  r.delete('/me', { config: { access: ['candidate'] } }, async (req, reply) => {
    await eraseCandidate(privacy, who(req).subject);
    erased(req, who(req).subject, 'candidate');
    return reply.status(204).send();
  });
  r.get(
    '/candidates/:candidateId/export',
    {
      config: { access: ['admin'] },
      schema: { params: z.object({ candidateId: Id }) },
    },
    async (req) => exportCandidate(privacy, req.params.candidateId),
  );
  r.delete(
    '/candidates/:candidateId',
    {
      config: { access: ['admin'] },
      schema: { params: z.object({ candidateId: Id }) },
    },
    async (req, reply) => {
      await eraseCandidate(privacy, req.params.candidateId);
      erased(req, req.params.candidateId, 'admin');
      return reply.status(204).send();
    },
  );
}
