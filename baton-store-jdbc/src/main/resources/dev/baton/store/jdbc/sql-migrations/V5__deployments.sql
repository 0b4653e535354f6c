-- Baton run history, version 5: deployments, and their scheduled runs as flow runs.
--
-- A scheduled run is a flow_run row in state SCHEDULED (named Scheduled, or Late once overdue)
-- with its deployment, its due time and, when a schedule made it, the key that makes creating it
-- again a no-op; its process and heartbeat stay NULL until a runner or worker claims it (PENDING).
-- Its parameters are a JSON object by name (the runs of the engine keep a JSON array).

CREATE TABLE deployment (
    id                UUID         NOT NULL PRIMARY KEY,
    name              VARCHAR(200) NOT NULL UNIQUE,
    flow_name         VARCHAR(500) NOT NULL,
    entrypoint        VARCHAR(1000),                -- com.acme.Flows#nightly, or NULL: only its serving process runs it
    description       VARCHAR,
    parameters        VARCHAR      NOT NULL,        -- JSON object by parameter name
    parameter_schema  VARCHAR,                      -- the flow's parameters as a JSON Schema object; NULL: not known
    schedules         VARCHAR      NOT NULL,        -- JSON array, as DeploymentJson writes it
    tags              VARCHAR      NOT NULL,        -- JSON array
    work_pool         VARCHAR(200),             -- NULL: served by its own process (flow.serve), no worker starts its runs
    concurrency_limit INTEGER,                      -- its runs pending or running at once; NULL: no limit
    paused            BOOLEAN      NOT NULL,
    created_ns        BIGINT       NOT NULL,
    updated_ns        BIGINT       NOT NULL
);

ALTER TABLE flow_run ADD COLUMN deployment_id UUID;
ALTER TABLE flow_run ADD COLUMN expected_start_ns BIGINT;       -- when a deployment's run is due
ALTER TABLE flow_run ADD COLUMN idempotency_key VARCHAR(400);   -- NULL for ad-hoc runs, and runs of no deployment
-- every supported database lets a unique index hold NULL any number of times
CREATE UNIQUE INDEX flow_run_idempotency_key_idx ON flow_run (idempotency_key);
-- the due runs of given deployments, soonest first (claiming), and a deployment's runs not yet claimed
CREATE INDEX flow_run_deployment_due_idx ON flow_run (deployment_id, state_type, expected_start_ns);
