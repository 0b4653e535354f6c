-- Baton run history, version 2: log lines, tag concurrency limits shared by every process using
-- this database (or its API server), heartbeats for crash detection, flow run tags, and where a
-- completed state's persisted result lies.

ALTER TABLE flow_run ADD COLUMN tags VARCHAR;              -- JSON array
-- the process running the flow run stamps this while it runs; a RUNNING flow run whose heartbeat
-- is older than the crash timeout is marked CRASHED (with its unfinished task runs)
ALTER TABLE flow_run ADD COLUMN heartbeat_ns BIGINT;
ALTER TABLE flow_run ADD COLUMN process VARCHAR(200);      -- host and pid that ran it, for messages
CREATE INDEX flow_run_heartbeat_idx ON flow_run (state_type, heartbeat_ns);

ALTER TABLE flow_run_state ADD COLUMN result_ref VARCHAR(1000);
ALTER TABLE task_run_state ADD COLUMN result_ref VARCHAR(1000);
ALTER TABLE task_run ADD COLUMN subflow_run_id UUID;       -- the flow run a subflow's stand-in task run stands for

-- log lines, numbered per flow run in the order they were written
CREATE TABLE log (
    flow_run_id  UUID         NOT NULL,
    seq          BIGINT       NOT NULL,
    task_run_id  UUID,
    timestamp_ns BIGINT       NOT NULL,
    level        VARCHAR(8)   NOT NULL,
    logger       VARCHAR(200) NOT NULL,
    message      VARCHAR      NOT NULL,
    PRIMARY KEY (flow_run_id, seq)
);
CREATE INDEX log_task_run_idx ON log (task_run_id);

CREATE TABLE concurrency_limit (
    tag        VARCHAR(200) NOT NULL PRIMARY KEY,
    slot_limit INTEGER      NOT NULL,
    created_ns BIGINT       NOT NULL
);

-- a slot of a tag held by a running task run; released when it leaves RUNNING, or when its flow
-- run is found crashed
CREATE TABLE concurrency_slot (
    tag          VARCHAR(200) NOT NULL,
    task_run_id  UUID         NOT NULL,
    flow_run_id  UUID         NOT NULL,
    acquired_ns  BIGINT       NOT NULL,
    PRIMARY KEY (tag, task_run_id)
);
