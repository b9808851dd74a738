-- Multiple-identity links, continued (issue 20). A yellow link past its deadline is
-- escalated as a SIRENE deadline is (`escalation_level`, 0 to 3). A link may join an
-- alert to an **external identity** (`other_kind` 'external'): an identity an
-- internet-facing system (an ETIAS application, an EES individual file) submitted
-- through a profile that registers identities. `other_id` is then the external
-- identity's id, `other_category` the external system and `other_state` 'EU'.
ALTER TABLE identity_links ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identity_links ADD COLUMN other_kind TEXT NOT NULL DEFAULT 'alert';

-- The identities the external systems submitted (2019/817 Art 27: the multiple-identity
-- detector compares them with SIS): `body` holds the identity and the system's own
-- reference, sealed under the EU's data key (field `external_identity`), the rest is
-- bookkeeping. `compared_at` is set once the link job has compared it with the person
-- alerts, `expires_at` bounds its retention (the profile's `retain_days`), after which
-- it is erased with its links.
CREATE TABLE external_identities (
    id            TEXT PRIMARY KEY,
    system        TEXT NOT NULL,
    profile       TEXT NOT NULL,
    body          BLOB NOT NULL,
    registered_at TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    compared_at   TEXT
);
CREATE INDEX external_identities_pending ON external_identities (compared_at);
CREATE INDEX external_identities_expiry ON external_identities (expires_at);
