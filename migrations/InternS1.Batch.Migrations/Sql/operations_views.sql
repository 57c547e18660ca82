-- Views for operating a run (interns1 status, interns1 dashboard, Grafana). Created by the migration
-- CancellationsAndOperationsViews. None of them shows a job payload, inline media or exception text, so the
-- read-only role interns1_dashboard can be limited to views later without losing a panel.

-- dataset_rates: the completion rate over the last N = 5 minutes and the ETA of the pending jobs.
--   window_start   = greatest(now() - 5 minutes, the dataset's first started_at)  (a run younger than
--                    5 minutes is measured over its own age, not diluted over 5 minutes)
--   window_seconds = now() - window_start
--   finished_in_window          = jobs that ended (any status but cancelled) in [window_start, now()]
--   completion_tokens_in_window = their completion tokens (token_usage of the succeeded ones)
--   jobs_per_minute             = finished_in_window * 60 / window_seconds      (NULL when nothing ended)
--   output_tokens_per_second    = completion_tokens_in_window / window_seconds  (NULL when nothing ended)
--   eta_seconds                 = pending * 60 / jobs_per_minute; 0 when nothing is pending; NULL when
--                                 jobs are pending but there is no rate
--   eta_at                      = now() + eta_seconds
CREATE VIEW dataset_rates AS
WITH base AS (
    SELECT d.name AS dataset,
           count(j.id) FILTER (WHERE j.status IN ('queued', 'running')) AS pending,
           greatest(now() - interval '5 minutes', min(j.started_at)) AS window_start
    FROM datasets d
    LEFT JOIN jobs j ON j.dataset = d.name
    GROUP BY d.name
), recent AS (
    SELECT b.dataset, b.pending, b.window_start,
           extract(epoch FROM now() - b.window_start)::double precision AS window_seconds,
           (SELECT count(*) FROM jobs j
            WHERE j.dataset = b.dataset AND j.status <> 'cancelled'
              AND j.finished_at >= b.window_start AND j.finished_at <= now()) AS finished_in_window,
           (SELECT coalesce(sum(u.completion_tokens), 0) FROM jobs j JOIN token_usage u ON u.job_id = j.id
            WHERE j.dataset = b.dataset AND j.status <> 'cancelled'
              AND j.finished_at >= b.window_start AND j.finished_at <= now()) AS completion_tokens_in_window
    FROM base b
), rates AS (
    SELECT r.*,
           CASE WHEN r.finished_in_window > 0 AND r.window_seconds > 0
                THEN r.finished_in_window * 60.0::double precision / r.window_seconds END AS jobs_per_minute,
           CASE WHEN r.finished_in_window > 0 AND r.window_seconds > 0
                THEN r.completion_tokens_in_window::double precision / r.window_seconds END AS output_tokens_per_second
    FROM recent r
), eta AS (
    SELECT r.*,
           CASE WHEN r.pending = 0 THEN 0::double precision
                WHEN r.jobs_per_minute IS NULL THEN NULL
                ELSE r.pending * 60.0::double precision / r.jobs_per_minute END AS eta_seconds
    FROM rates r
)
SELECT e.dataset,
       5 AS window_minutes,
       e.window_start,
       e.window_seconds,
       e.finished_in_window,
       e.completion_tokens_in_window::bigint AS completion_tokens_in_window,
       e.pending,
       e.jobs_per_minute,
       e.output_tokens_per_second,
       e.eta_seconds,
       now() + e.eta_seconds * interval '1 second' AS eta_at
FROM eta e;

-- dataset_tokens: token totals per dataset over its succeeded jobs.
CREATE VIEW dataset_tokens AS
SELECT j.dataset,
       count(*)                   AS jobs,
       sum(u.prompt_tokens)::bigint     AS prompt_tokens,
       sum(u.cached_tokens)::bigint     AS cached_tokens,
       sum(u.image_tokens)::bigint      AS image_tokens,
       sum(u.video_tokens)::bigint      AS video_tokens,
       sum(u.completion_tokens)::bigint AS completion_tokens,
       sum(u.reasoning_tokens)::bigint  AS reasoning_tokens
FROM token_usage u
JOIN jobs j ON j.id = u.job_id
GROUP BY j.dataset;

-- dead_letter_messages: the open dead letters without payload and exception text (message cut to 500 characters).
CREATE VIEW dead_letter_messages AS
SELECT d.id,
       d.job_id,
       coalesce(d.dataset, '') AS dataset,
       d.custom_id,
       d.reason_code,
       left(d.message, 500) AS message,
       d.attempts,
       d.source,
       d.created_at
FROM dead_letters d
WHERE d.requeued_at IS NULL;

-- job_outputs: one row per ended job as interns1 export writes it (result and usage, or the open dead letter,
-- or who cancelled it and when). No payload, no exception text.
CREATE VIEW job_outputs AS
SELECT j.dataset,
       j.id          AS job_id,
       j.custom_id,
       j.status,
       j.created_at,
       r.content,
       r.reasoning_content,
       r.tool_calls::text AS tool_calls_json,
       r.finish_reason,
       r.model,
       coalesce(r.seed, 0) AS seed,
       r.created_at  AS completed_at,
       coalesce(u.prompt_tokens, 0)     AS prompt_tokens,
       coalesce(u.image_tokens, 0)      AS image_tokens,
       coalesce(u.video_tokens, 0)      AS video_tokens,
       u.cached_tokens,                 -- NULL when a remote server did not report it: unknown is not 0
       coalesce(u.completion_tokens, 0) AS completion_tokens,
       u.reasoning_tokens,              -- NULL when not reported, as cached_tokens
       dl.reason_code,
       dl.message    AS error_message,
       c.requested_by AS cancelled_by,
       c.requested_at AS cancelled_at
FROM jobs j
LEFT JOIN results r ON r.job_id = j.id
LEFT JOIN token_usage u ON u.job_id = j.id
LEFT JOIN dead_letters dl ON dl.job_id = j.id AND dl.requeued_at IS NULL
LEFT JOIN LATERAL (
    SELECT x.requested_by, x.requested_at FROM cancellations x
    WHERE j.status = 'cancelled' AND (x.dataset = j.dataset OR x.job_id = j.id) AND x.requested_at <= j.finished_at
    ORDER BY x.requested_at DESC, x.id DESC
    LIMIT 1
) c ON true
WHERE j.status NOT IN ('queued', 'running');

GRANT SELECT ON dataset_rates, dataset_tokens, dead_letter_messages, job_outputs TO interns1_dashboard;
