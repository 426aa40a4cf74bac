-- ВПР objectivity (issue "Objectivity of ВПР results"): what a department loads from ФИС ОКО
-- and the catalog scale that turns a primary score into a mark.
--
-- The primary score → mark scale per subject, grade and school year (ФИОКО publishes it with
-- each year's materials and it changes between years): catalog data, data/catalog/vpr_scales.csv.
CREATE TABLE vpr_scale (
    subject    VARCHAR NOT NULL,   -- code: rus, math, … (words.VPR_SUBJECTS)
    grade      INTEGER NOT NULL,   -- 4 … 11
    period     INTEGER NOT NULL,   -- the school year (2024 = 2024/25)
    mark       INTEGER NOT NULL CHECK (mark BETWEEN 2 AND 5),
    min_score  DOUBLE  NOT NULL,   -- the lowest primary score that earns the mark
    max_score  DOUBLE  NOT NULL,   -- the highest
    test_max   DOUBLE  NOT NULL,   -- the test's maximum primary score
    PRIMARY KEY (subject, grade, period, mark),
    CHECK (min_score <= max_score AND max_score <= test_max)
);

-- One participant of one ВПР (subject, grade, school year) at one school: the student-level
-- protocol.  The participant is the code ФИС ОКО gives (no names are stored).
CREATE TABLE vpr_participant (
    org_unit_id   VARCHAR NOT NULL,
    period        INTEGER NOT NULL,
    subject       VARCHAR NOT NULL,
    grade         INTEGER NOT NULL,
    participant   VARCHAR NOT NULL,   -- «Код» / «код обучающегося» of the protocol
    class_name    VARCHAR,
    variant       VARCHAR,            -- NULL when absent
    absent        BOOLEAN NOT NULL DEFAULT FALSE,
    sex           VARCHAR,
    journal_mark  INTEGER CHECK (journal_mark IS NULL OR journal_mark BETWEEN 2 AND 5),
    primary_score DOUBLE CHECK (primary_score IS NULL OR primary_score >= 0),
    task_points   DOUBLE[],           -- the points per task, in the protocol's order
    updated_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by    VARCHAR NOT NULL,
    PRIMARY KEY (org_unit_id, period, subject, grade, participant),
    CHECK (absent OR primary_score IS NOT NULL)
);

-- The report tables a department may have instead of the protocol: «Статистика по отметкам»
-- and «Сравнение отметок с отметками по журналу», per school, subject, grade and year.
CREATE TABLE vpr_school_report (
    org_unit_id  VARCHAR NOT NULL,
    period       INTEGER NOT NULL,
    subject      VARCHAR NOT NULL,
    grade        INTEGER NOT NULL,
    participants INTEGER NOT NULL CHECK (participants >= 0),
    mark2        INTEGER, mark3 INTEGER, mark4 INTEGER, mark5 INTEGER,
    lowered      INTEGER,            -- Понизили (отметка < отметки по журналу)
    confirmed    INTEGER,            -- Подтвердили
    raised       INTEGER,            -- Повысили
    updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_by   VARCHAR NOT NULL,
    PRIMARY KEY (org_unit_id, period, subject, grade)
);
