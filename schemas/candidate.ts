import { z } from 'zod';
import { DocumentKindSchema } from './position.js';

const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code, like FR');

/** An account needs a name and an email address, nothing more. */
export const AccountRequestSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200),
  email: z.email('a valid email address').max(254),
});
export type AccountRequest = z.infer<typeof AccountRequestSchema>;

/** A returning candidate (or one whose first code never came) asks for a code by email. */
export const CodeRequestSchema = z.object({ email: z.email('a valid email address').max(254) });
export const ConfirmationCodeSchema = z.string().regex(/^\d{6}$/, 'six digits');
/** The code from that email, exchanged for a bearer token. */
export const SignInSchema = z.object({ email: CodeRequestSchema.shape.email, code: ConfirmationCodeSchema });

export const LawEnforcementSchema = z.object({
  serving: z.boolean(),
  /** The country whose service the officer serves in. */
  country: CountryCode.optional(),
});

// Strict: a misspelt field ("nationalty") is refused by name instead of being dropped in silence.
export const ProfilePatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    nationality: CountryCode.optional(),
    dateOfBirth: z.iso.date('a date like 1990-04-23').optional(),
    lawEnforcement: LawEnforcementSchema.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'nothing to change: give name, nationality, dateOfBirth or lawEnforcement',
  });
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;

export const DocumentRefSchema = z.object({
  /** sha256 of the content: the same file uploaded twice is stored once. */
  documentId: z.string().regex(/^[a-f0-9]{64}$/),
  kind: DocumentKindSchema,
  filename: z.string().min(1).max(255),
  contentType: z.enum([
    'application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ]),
  size: z.number().int().positive(),
  uploadedAt: z.iso.datetime({ offset: true }),
});
export type DocumentRef = z.infer<typeof DocumentRefSchema>;

/** The personal part of a candidate: stored sealed with the candidate's own key. */
export const ProfileSchema = z.object({
  name: z.string(),
  email: z.string(),
  nationality: CountryCode.optional(),
  dateOfBirth: z.string().optional(),
  lawEnforcement: LawEnforcementSchema.optional(),
  documents: z.array(DocumentRefSchema),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const CandidateSchema = z.object({
  candidateId: z.string(),
  createdAt: z.string(),
  confirmed: z.boolean(),
  profile: ProfileSchema,
});
export type Candidate = z.infer<typeof CandidateSchema>;
