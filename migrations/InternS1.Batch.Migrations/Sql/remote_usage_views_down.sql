-- Down of RemoteUsageFields: tokens_per_dataset_day as DashboardViewsAndRole created it (columns cannot be dropped
-- by CREATE OR REPLACE, so the view is made again; the schema's default privileges give the dashboard role SELECT).
DROP VIEW IF EXISTS tokens_per_dataset_day;
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
GRANT SELECT ON tokens_per_dataset_day TO interns1_dashboard;
