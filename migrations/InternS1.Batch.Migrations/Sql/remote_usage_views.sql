-- Up of RemoteUsageFields: token_usage.cached_tokens and reasoning_tokens may be NULL (a remote server that did
-- not report them). sum() skips NULLs, so the sums count the jobs whose value is known; two columns at the end
-- say how many those are. CREATE OR REPLACE keeps the view's grants (only columns at the end may be added).
CREATE OR REPLACE VIEW tokens_per_dataset_day AS
SELECT j.dataset,
       (date_trunc('day', u.created_at AT TIME ZONE 'UTC'))::date AS day,
       count(*)                                    AS jobs,
       sum(u.prompt_tokens)                        AS prompt_tokens,
       sum(u.image_tokens)                         AS image_tokens,
       sum(u.video_tokens)                         AS video_tokens,
       sum(u.cached_tokens)                        AS cached_tokens,
       sum(u.completion_tokens)                    AS completion_tokens,
       sum(u.reasoning_tokens)                     AS reasoning_tokens,
       sum(u.prompt_tokens + u.completion_tokens)  AS total_tokens,
       count(u.cached_tokens)                      AS jobs_with_cached_tokens,
       count(u.reasoning_tokens)                   AS jobs_with_reasoning_tokens
FROM token_usage u
JOIN jobs j ON j.id = u.job_id
GROUP BY 1, 2;
