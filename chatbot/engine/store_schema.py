"""The session store's schema, version by version; each version is one migration step."""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2
_SCHEMA_1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    started TEXT NOT NULL,
    persona TEXT NOT NULL,
    scenario TEXT NOT NULL,
    seed INTEGER NOT NULL,
    dialogue_hash TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    app_version TEXT NOT NULL,
    stage TEXT NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    parent_turn INTEGER
);
CREATE TABLE turns (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    speaker TEXT NOT NULL CHECK (speaker IN ('user', 'persona')),
    text TEXT NOT NULL,
    stage TEXT NOT NULL,
    intent TEXT,
    confidence REAL,
    node TEXT,
    meta TEXT NOT NULL DEFAULT '{}',
    at TEXT NOT NULL,
    PRIMARY KEY (session_id, idx)
) WITHOUT ROWID;
CREATE INDEX sessions_started ON sessions (started DESC);
"""
# 2: full-text search over what was said, a cache of each session's coaching score, and a
# count of turns kept with the session so that a long list never counts 400,000 rows, and an
# index that holds the whole list in order (read without touching the table).
_SCHEMA_2 = """
ALTER TABLE sessions ADD COLUMN turn_count INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET turn_count = (SELECT count(*) FROM turns WHERE session_id = sessions.id);
CREATE TRIGGER turns_counted AFTER INSERT ON turns BEGIN
    UPDATE sessions SET turn_count = turn_count + 1 WHERE id = new.session_id;
END;
CREATE VIRTUAL TABLE turns_fts USING fts5(
    text, session_id UNINDEXED, idx UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO turns_fts (text, session_id, idx) SELECT text, session_id, idx FROM turns;
CREATE TRIGGER turns_fts_add AFTER INSERT ON turns BEGIN
    INSERT INTO turns_fts (text, session_id, idx) VALUES (new.text, new.session_id, new.idx);
END;
CREATE TRIGGER turns_fts_drop AFTER DELETE ON turns BEGIN
    DELETE FROM turns_fts WHERE session_id = old.session_id AND idx = old.idx;
END;
CREATE TABLE scores (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    score INTEGER,
    open_share REAL,
    questions INTEGER NOT NULL
);
CREATE INDEX sessions_scenario ON sessions (scenario, started DESC);
DROP INDEX sessions_started;
CREATE INDEX sessions_list ON sessions (
    started DESC, id DESC, uid, persona, scenario, seed, dialogue_hash, model_hash, app_version,
    stage, ended, turn_count, parent_id, parent_turn
);
"""
MIGRATIONS = {1: _SCHEMA_1, 2: _SCHEMA_2}


def statements(script: str) -> list[str]:
    """A script's statements, whole: sqlite3 says where each ends (a trigger body included)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return out
