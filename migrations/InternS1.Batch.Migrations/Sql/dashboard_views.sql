-- Views for dashboards (Grafana, Metabase, psql). Created by the migration DashboardViewsAndRole.
-- Invariant of dataset_progress: total = succeeded + failed + dead_lettered + pending.

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

CREATE VIEW throughput_per_minute AS
SELECT date_trunc('minute', j.finished_at) AS minute,
       j.dataset,
       count(*) FILTER (WHERE j.status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE j.status <> 'succeeded') AS not_succeeded,
       coalesce(sum(u.completion_tokens), 0)          AS completion_tokens
FROM jobs j
LEFT JOIN token_usage u ON u.job_id = j.id
WHERE j.finished_at IS NOT NULL
GROUP BY 1, 2;

CREATE VIEW throughput_per_hour AS
SELECT date_trunc('hour', j.finished_at) AS hour,
       j.dataset,
       count(*) FILTER (WHERE j.status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE j.status <> 'succeeded') AS not_succeeded,
       coalesce(sum(u.completion_tokens), 0)          AS completion_tokens
FROM jobs j
LEFT JOIN token_usage u ON u.job_id = j.id
WHERE j.finished_at IS NOT NULL
GROUP BY 1, 2;

CREATE VIEW tokens_per_dataset_day AS
SELECT j.dataset,
       (date_trunc('day', u.created_at AT TIME ZONE 'UTC'))::date AS day,
       count(*)                                    AS jobs,
       sum(u.prompt_tokens)                        AS prompt_tokens,
       sum(u.image_tokens)                         AS image_tokens,
       sum(u.video_tokens)                         AS video_tokens,
       sum(u.cached_tokens)                        AS cached_tokens,
       sum(u.completion_tokens)                    AS completion_tokens,
       sum(u.reasoning_tokens)                     AS reasoning_tokens,
       sum(u.prompt_tokens + u.completion_tokens)  AS total_tokens
FROM token_usage u
JOIN jobs j ON j.id = u.job_id
GROUP BY 1, 2;

CREATE VIEW latency_percentiles AS
SELECT j.dataset,
       count(*) AS jobs,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.created_at) * 1000) AS end_to_end_p50_ms,
       percentile_cont(0.90) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.created_at) * 1000) AS end_to_end_p90_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.created_at) * 1000) AS end_to_end_p99_ms,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.started_at) * 1000) AS run_p50_ms,
       percentile_cont(0.90) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.started_at) * 1000) AS run_p90_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM j.finished_at - j.started_at) * 1000) AS run_p99_ms,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY u.queue_ms)   AS queue_p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY u.queue_ms)   AS queue_p99_ms,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY u.prefill_ms) AS prefill_p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY u.prefill_ms) AS prefill_p99_ms,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY u.decode_ms)  AS decode_p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY u.decode_ms)  AS decode_p99_ms
FROM jobs j
JOIN token_usage u ON u.job_id = j.id
WHERE j.status = 'succeeded'
GROUP BY j.dataset;

CREATE VIEW failures_by_reason AS
SELECT coalesce(d.dataset, '') AS dataset,
       d.reason_code,
       count(*)          AS dead_letters,
       min(d.created_at) AS first_at,
       max(d.created_at) AS last_at
FROM dead_letters d
WHERE d.requeued_at IS NULL
GROUP BY 1, 2;
