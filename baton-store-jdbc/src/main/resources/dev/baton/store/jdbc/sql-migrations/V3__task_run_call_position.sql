-- Baton run history, version 3: a task run's call position, which call of its task it is within
-- its flow run's attempt (from 0). With the flow run and the task name it identifies a call across
-- attempts: a flow retry reuses the completed run of the same call, and a call whose run did not
-- complete gets a new run with the same position. NULL for runs recorded before version 3.

ALTER TABLE task_run ADD COLUMN call_position INTEGER;
