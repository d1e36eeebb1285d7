import type { EmailRequest, EmailTemplate } from '../schemas/effects.js';
import { DUTY_STATIONS } from '../schemas/reference.js';
import { atDutyStation } from './local-time.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

interface Wording {
  subject: string;
  /** Paragraphs; `{when}` is the date the email is about, in the duty station's local time. */
  body: string[];
}

/** One place for every message people receive. Plain language; what happens next; how long it may take. */
const WORDING: Record<EmailTemplate, Wording> = {
  acknowledgement: {
    subject: 'We received your application',
    body: [
      'Thank you for applying. Your application has been received and will be considered after the closing date, {deadline}.',
      'Shortlisted candidates are usually contacted within two to three weeks of the closing date. If you have not heard from us within six months of it, please consider your application unsuccessful; we will also write to tell you.',
    ],
  },
  shortlisted: {
    subject: 'You have been shortlisted',
    body: ['Your application has been shortlisted. We will contact you shortly to arrange an interview.'],
  },
  interview_invitation: {
    subject: 'Invitation to interview',
    body: [
      'We would like to invite you to an interview on {when}.',
      'Please confirm that you will attend. The calendar invitation attached can be added to your calendar.',
    ],
  },
  interview_rescheduled: {
    subject: 'Your interview has been moved',
    body: ['Your interview has been moved to {when}. Please confirm the new time.', '{detail}'],
  },
  interview_confirmed: {
    subject: 'Interview confirmed by the candidate',
    body: ['The candidate has confirmed the interview on {when}.'],
  },
  interview_passed: {
    subject: 'Next step: written exam',
    body: [
      'Thank you for your interview. We would like you to sit the written exam; a convocation will follow.',
    ],
  },
  exam_convocation: {
    subject: 'Convocation to the written exam',
    body: [
      'You are convened to the written exam on {when}.',
      'Please bring an identity document. The calendar invitation attached gives the place and your seat.',
    ],
  },
  exam_passed: {
    subject: 'Written exam result',
    body: [
      'We are pleased to tell you that you passed the written exam. We will be in touch about the next step.',
    ],
  },
  offer: {
    subject: 'Offer of appointment',
    body: [
      'We are pleased to offer you the position. Please accept or decline by {when}.',
      'Terms: {detail}',
      'Appointment is subject to pre-employment checks (criminal record, security screening, medical).',
    ],
  },
  offer_accepted: {
    subject: 'Offer accepted',
    body: [
      'The offer has been accepted. Human Resources will contact you about the start date and the checks.',
    ],
  },
  offer_declined: {
    subject: 'Offer declined',
    body: ['The candidate declined the offer. {detail}'],
  },
  rejection: {
    subject: 'Your application',
    body: [
      'Thank you for your interest in working with INTERPOL. After careful consideration, we will not take your application further.',
      '{detail}',
      'We encourage you to apply for other positions that match your profile.',
    ],
  },
  withdrawal_confirmed: {
    subject: 'Application withdrawn',
    body: ['The application has been withdrawn. {detail}'],
  },
  expiry: {
    subject: 'Your application has closed',
    body: ['Your application has closed because {detail}.', 'You are welcome to apply for other positions.'],
  },
  deadline_extended: {
    subject: 'A deadline has been extended',
    body: ['{detail} has been extended to {when}.'],
  },
  handed_over: {
    subject: 'An application is now in your charge',
    body: ['{detail}. It is on your board from now on, with its stage and deadlines as they were.'],
  },
  recruiter_reminder: {
    subject: 'Reminder: an application is waiting for your decision',
    body: ['An application has been waiting for a decision: {detail}. Please review it.'],
  },
  candidate_reminder: {
    subject: 'Reminder: we are waiting for your answer',
    body: [
      '{detail} is due by {when}. Please answer before then, or tell us if you need more time: without an answer your application will close.',
    ],
  },
  recruiter_escalation: {
    subject: 'Escalation: an application has waited too long',
    body: ['An application has waited past the service level: {detail}. Please make sure it is handled.'],
  },
  onboarding_request: {
    subject: 'Offer accepted: please start onboarding',
    body: [
      'A candidate has accepted the offer for this position. Please start the pre-employment checks (criminal record, security screening, medical) and agree a start date with them.',
      '{detail}',
    ],
  },
  position_closed: {
    subject: 'The position has closed',
    body: [
      'The position you applied for is no longer open: {detail}. Thank you for your interest; your application is closed.',
    ],
  },
};

export function renderEmail(req: EmailRequest, recipientName: string): RenderedEmail {
  const w = WORDING[req.template];
  const p = req.position;
  const station = DUTY_STATIONS[p.dutyStation];
  const fill = (s: string) =>
    s
      .replaceAll('{when}', req.when ? atDutyStation(req.when, p.dutyStation) : '')
      .replaceAll('{deadline}', atDutyStation(p.deadline, p.dutyStation))
      .replaceAll('{detail}', req.detail);
  const paragraphs = w.body.map(fill).filter((s) => s.trim().length > 0);
  const subject = `${w.subject}: ${p.title} (${p.reference})`;
  const footer = `Position ${p.reference}, ${p.title}, duty station ${station.city}. Application ${req.applicationId}.`;
  const greeting = `Dear ${recipientName},`;
  const text = [greeting, ...paragraphs, 'INTERPOL Recruitment', footer].join('\n\n') + '\n';
  const html = [
    `<p>${esc(greeting)}</p>`,
    ...paragraphs.map((s) => `<p>${esc(s)}</p>`),
    '<p>INTERPOL Recruitment</p>',
    `<p style="color:#666;font-size:small">${esc(footer)}</p>`,
  ].join('\n');
  return { subject, text, html };
}

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
