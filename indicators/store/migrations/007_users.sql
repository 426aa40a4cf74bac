-- Who may sign in and what each may do.  A user has one role; department and school editors,
-- viewers and region viewers are tied to the unit whose data they see (a municipality, a
-- school, a region).  Passwords are stored only as Argon2id hashes (PHC strings); an OIDC user
-- is matched by the identity provider's subject or e-mail and may have no password at all.
CREATE TABLE app_user (
    login         VARCHAR PRIMARY KEY,
    display_name  VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('viewer', 'department_editor', 'school_editor',
                                                   'region_viewer', 'admin')),
    unit_id       VARCHAR,
    password_hash VARCHAR,
    oidc_subject  VARCHAR,
    email         VARCHAR,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL
);

-- The change log and the batches name the account (login) beside the person's name.
ALTER TABLE change_log ADD COLUMN user_login VARCHAR;
ALTER TABLE import_batch ADD COLUMN user_login VARCHAR;
