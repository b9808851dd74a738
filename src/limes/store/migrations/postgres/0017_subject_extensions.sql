-- Data-subject requests (issue 19, follow-up): the extension of the time limit by two
-- further months (GDPR Art. 12(3)), at most once per request, with the letter telling the
-- applicant (sealed under the receiving state's data key: it names the applicant and the
-- reasons), and `subject_requests.due_at` then holds the extended date. And the day a court
-- case was brought about a request (`court_case` stays the flag the statistics count).
ALTER TABLE subject_requests ADD COLUMN court_case_on TEXT;

CREATE TABLE subject_extensions (
    request_id      TEXT COLLATE "C" PRIMARY KEY REFERENCES subject_requests (id),
    receiving_state TEXT NOT NULL,
    extended_at     TIMESTAMPTZ NOT NULL,
    extended_by     TEXT NOT NULL,
    previous_due_at TIMESTAMPTZ NOT NULL,
    due_at          TIMESTAMPTZ NOT NULL,
    body            BYTEA NOT NULL
);
