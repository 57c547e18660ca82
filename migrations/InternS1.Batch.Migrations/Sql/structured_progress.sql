-- dataset_progress with structured-output counts (migration StructuredOutput): of the succeeded jobs with a
-- structured response_format, how many answers validated (structured_valid) and how many did not
-- (structured_invalid). New columns go at the end, so CREATE OR REPLACE keeps the view's grants.

CREATE OR REPLACE VIEW dataset_progress AS
SELECT d.name AS dataset,
       count(j.id)                                                          AS total,
       count(j.id) FILTER (WHERE j.status = 'succeeded')                    AS succeeded,
       count(j.id) FILTER (WHERE j.status IN ('failed', 'expired', 'cancelled')) AS failed,
       count(j.id) FILTER (WHERE j.status = 'dead_lettered')                AS dead_lettered,
       count(j.id) FILTER (WHERE j.status IN ('queued', 'running'))         AS pending,
       count(j.id) FILTER (WHERE j.status = 'queued')                       AS queued,
       count(j.id) FILTER (WHERE j.status = 'running')                      AS running,
       count(j.id) FILTER (WHERE j.status = 'expired')                      AS expired,
       count(j.id) FILTER (WHERE j.status = 'cancelled')                    AS cancelled,
       d.created_at,
       max(j.finished_at)                                                   AS last_finished_at,
       count(r.job_id) FILTER (WHERE r.structured_valid)                    AS structured_valid,
       count(r.job_id) FILTER (WHERE NOT r.structured_valid)                AS structured_invalid
FROM datasets d
LEFT JOIN jobs j ON j.dataset = d.name
LEFT JOIN results r ON r.job_id = j.id
GROUP BY d.name, d.created_at;
