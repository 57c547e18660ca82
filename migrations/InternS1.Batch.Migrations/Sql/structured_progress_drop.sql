-- Down of StructuredOutput: dataset_progress as DashboardViewsAndRole created it (columns cannot be dropped by
-- CREATE OR REPLACE, so the view is recreated; the role's default privileges give it SELECT again).

DROP VIEW IF EXISTS dataset_progress;

CREATE VIEW dataset_progress AS
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
       max(j.finished_at)                                                   AS last_finished_at
FROM datasets d
LEFT JOIN jobs j ON j.dataset = d.name
GROUP BY d.name, d.created_at;
