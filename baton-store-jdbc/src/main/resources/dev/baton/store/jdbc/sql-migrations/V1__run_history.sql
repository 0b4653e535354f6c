-- Baton run history, version 1. One script for every supported database (the embedded one and
-- PostgreSQL): only portable types and statements here.
--
-- Ids are UUIDs (time-ordered, version 7). Times are BIGINT nanoseconds since the epoch, exactly
-- as the engine stamps states (PostgreSQL timestamps stop at microseconds). A run's current state
-- is kept on its row for listing; its history is in the *_state tables, numbered per run from 0.
-- No foreign keys: the store's writer inserts in batches in an order that keeps references valid,
-- and checks on every row would cost the hot write path.

CREATE TABLE flow_run (
    id                 UUID         NOT NULL PRIMARY KEY,
    name               VARCHAR(200) NOT NULL,
    flow_name          VARCHAR(500) NOT NULL,
    parameters         VARCHAR,                 -- JSON array, the flow's arguments in order
    parent_flow_run_id UUID,
    parent_task_run_id UUID,
    state_type         VARCHAR(16),
    state_name         VARCHAR(64),
    created_ns         BIGINT       NOT NULL,
    start_ns           BIGINT,                  -- first RUNNING state
    end_ns             BIGINT                   -- final state
);
CREATE INDEX flow_run_created_idx ON flow_run (created_ns);
CREATE INDEX flow_run_state_idx ON flow_run (state_type, created_ns);
CREATE INDEX flow_run_flow_name_idx ON flow_run (flow_name, created_ns);
CREATE INDEX flow_run_name_idx ON flow_run (name);
CREATE INDEX flow_run_parent_idx ON flow_run (parent_flow_run_id);

CREATE TABLE task_run (
    id           UUID         NOT NULL PRIMARY KEY,
    flow_run_id  UUID         NOT NULL,
    ordinal      INTEGER      NOT NULL,         -- creation order within the flow run, from 0
    name         VARCHAR(600) NOT NULL,
    task_name    VARCHAR(500) NOT NULL,
    task_version VARCHAR(200),
    tags         VARCHAR,                       -- JSON array
    state_type   VARCHAR(16),
    state_name   VARCHAR(64),
    start_ns     BIGINT,
    end_ns       BIGINT
);
CREATE INDEX task_run_flow_run_idx ON task_run (flow_run_id, ordinal);

-- task run -> the task runs it waited for, in order
CREATE TABLE task_run_upstream (
    flow_run_id          UUID    NOT NULL,
    task_run_id          UUID    NOT NULL,
    ordinal              INTEGER NOT NULL,
    upstream_task_run_id UUID    NOT NULL,
    PRIMARY KEY (flow_run_id, task_run_id, ordinal)
);

CREATE TABLE flow_run_state (
    flow_run_id  UUID        NOT NULL,
    seq          INTEGER     NOT NULL,
    type         VARCHAR(16) NOT NULL,
    name         VARCHAR(64) NOT NULL,
    timestamp_ns BIGINT      NOT NULL,
    message      VARCHAR,
    scheduled_ns BIGINT,                        -- when a SCHEDULED state is due
    PRIMARY KEY (flow_run_id, seq)
);

-- keyed by flow run first: loading a flow run's task runs reads one range
CREATE TABLE task_run_state (
    flow_run_id  UUID        NOT NULL,
    task_run_id  UUID        NOT NULL,
    seq          INTEGER     NOT NULL,
    type         VARCHAR(16) NOT NULL,
    name         VARCHAR(64) NOT NULL,
    timestamp_ns BIGINT      NOT NULL,
    message      VARCHAR,
    scheduled_ns BIGINT,
    PRIMARY KEY (flow_run_id, task_run_id, seq)
);
