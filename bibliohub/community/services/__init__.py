"""The only writers of the community app. Each service is one transaction, is told who acts
(an `Actor`) and records what happened in the history (`community.kinds`); e-mails go out
only after the transaction commits.

Split by subject: `partners` (organisations, contacts, agreements, joint activities,
referrals), `volunteers` (profiles, consent, shifts, hours) and `career` (the business and
career page, businesses and mentors, mentoring requests)."""
