using System.Globalization;
using System.Text;
using InternS1.Batch.Storage.Dashboard;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>The two pages: the overview of every dataset, and one dataset in detail. Every number sits in a
/// cell with a <c>data-field</c> naming the view column it shows.</summary>
internal static class DashboardPages
{
    public static string Overview(IReadOnlyList<DatasetOverview> rows, DashboardOptions options)
    {
        var body = new StringBuilder("<h1>interns1 datasets</h1>");
        body.Append("<table id=\"datasets\"><thead><tr><th>dataset</th><th>progress</th><th>total</th><th>succeeded</th><th>failed</th>")
            .Append("<th>dead_lettered</th><th>cancelled</th><th>pending</th><th>jobs/min</th><th>tokens/s</th><th>eta</th>")
            .Append("<th>prompt tokens</th><th>completion tokens</th><th>last finished</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            body.Append("<tr data-dataset=\"").Append(Html.Encode(r.Dataset)).Append("\">")
                .Append("<td data-field=\"dataset\"><a href=\"datasets/").Append(Html.Url(r.Dataset)).Append("\">").Append(Html.Encode(r.Dataset)).Append("</a></td>")
                .Append(ProgressCell(r))
                .Append(Html.Cell("total", Html.Count(r.Total)))
                .Append(Html.Cell("succeeded", Html.Count(r.Succeeded)))
                .Append(Html.Cell("failed", Html.Count(r.Failed)))
                .Append(Html.Cell("dead_lettered", Html.Count(r.DeadLettered)))
                .Append(Html.Cell("cancelled", Html.Count(r.Cancelled)))
                .Append(Html.Cell("pending", Html.Count(r.Pending)))
                .Append(Html.Cell("jobs_per_minute", Html.Rate(r.JobsPerMinute)))
                .Append(Html.Cell("output_tokens_per_second", Html.Rate(r.OutputTokensPerSecond)))
                .Append(Html.Cell("eta", Html.Eta(r.EtaSeconds, r.Pending)))
                .Append(Html.Cell("prompt_tokens", Html.Count(r.PromptTokens)))
                .Append(Html.Cell("completion_tokens", Html.Count(r.CompletionTokens)))
                .Append(Html.Cell("last_finished_at", Html.Time(r.LastFinishedAt)))
                .Append("</tr>");
        }
        if (rows.Count == 0)
            body.Append("<tr><td colspan=\"14\" class=\"muted\">no datasets yet</td></tr>");
        body.Append("</tbody></table><p class=\"muted\">Rates over the last 5 minutes (view <code>dataset_rates</code>); ETA = pending / rate.</p>");
        return Html.Page("datasets", body.ToString(), options.RefreshInterval);
    }

    public static string Dataset(DatasetOverview d, IReadOnlyList<ThroughputPoint> throughput, TokenTotals tokens, LatencySummary? latency,
        IReadOnlyList<FailureCount> failures, IReadOnlyList<RecentDeadLetter> deadLetters, DashboardOptions options)
    {
        var body = new StringBuilder();
        body.Append("<p><a href=\"../\">all datasets</a></p><h1>").Append(Html.Encode(d.Dataset)).Append("</h1>");
        body.Append("<table id=\"summary\"><tr><th>progress</th><th>total</th><th>succeeded</th><th>failed</th><th>dead_lettered</th>")
            .Append("<th>cancelled</th><th>pending</th><th>jobs/min</th><th>tokens/s</th><th>eta</th></tr><tr>")
            .Append(ProgressCell(d)).Append(Html.Cell("total", Html.Count(d.Total))).Append(Html.Cell("succeeded", Html.Count(d.Succeeded)))
            .Append(Html.Cell("failed", Html.Count(d.Failed))).Append(Html.Cell("dead_lettered", Html.Count(d.DeadLettered)))
            .Append(Html.Cell("cancelled", Html.Count(d.Cancelled))).Append(Html.Cell("pending", Html.Count(d.Pending)))
            .Append(Html.Cell("jobs_per_minute", Html.Rate(d.JobsPerMinute))).Append(Html.Cell("output_tokens_per_second", Html.Rate(d.OutputTokensPerSecond)))
            .Append(Html.Cell("eta", Html.Eta(d.EtaSeconds, d.Pending))).Append("</tr></table>");
        body.Append("<p><a id=\"export\" href=\"").Append(Html.Url(d.Dataset)).Append("/export.jsonl\">Download the export</a> ")
            .Append("<span class=\"muted\">(OpenAI Batch output lines of the ended jobs, as <code>interns1 export</code> writes them)</span></p>");

        body.Append("<h2>Throughput (jobs ended per minute)</h2>").Append(ThroughputChart.Render(throughput));

        body.Append("<h2>Tokens</h2><table id=\"tokens\"><tr><th>jobs</th><th>prompt</th><th>cached</th><th>image</th><th>video</th><th>completion</th><th>reasoning</th></tr><tr>")
            .Append(Html.Cell("jobs", Html.Count(tokens.Jobs))).Append(Html.Cell("prompt_tokens", Html.Count(tokens.PromptTokens)))
            .Append(Html.Cell("cached_tokens", Html.Count(tokens.CachedTokens))).Append(Html.Cell("image_tokens", Html.Count(tokens.ImageTokens)))
            .Append(Html.Cell("video_tokens", Html.Count(tokens.VideoTokens))).Append(Html.Cell("completion_tokens", Html.Count(tokens.CompletionTokens)))
            .Append(Html.Cell("reasoning_tokens", Html.Count(tokens.ReasoningTokens))).Append("</tr></table>");

        body.Append("<h2>Latency (ms, succeeded jobs)</h2><table id=\"latency\"><tr><th>measure</th><th>p50</th><th>p90</th><th>p99</th></tr>");
        body.Append(LatencyRow("end_to_end", "end to end", latency?.EndToEndP50Ms, latency?.EndToEndP90Ms, latency?.EndToEndP99Ms))
            .Append(LatencyRow("run", "run", latency?.RunP50Ms, latency?.RunP90Ms, latency?.RunP99Ms))
            .Append(LatencyRow("queue", "engine queue", latency?.QueueP50Ms, null, latency?.QueueP99Ms))
            .Append(LatencyRow("prefill", "prefill", latency?.PrefillP50Ms, null, latency?.PrefillP99Ms))
            .Append(LatencyRow("decode", "decode", latency?.DecodeP50Ms, null, latency?.DecodeP99Ms)).Append("</table>");

        body.Append("<h2>Failures by reason</h2><table id=\"failures\"><tr><th>reason_code</th><th>dead letters</th><th>first</th><th>last</th></tr>");
        foreach (var f in failures)
        {
            body.Append("<tr data-reason=\"").Append(Html.Encode(f.ReasonCode)).Append("\">").Append(Html.Cell("reason_code", f.ReasonCode))
                .Append(Html.Cell("dead_letters", Html.Count(f.DeadLetters))).Append(Html.Cell("first_at", Html.Time(f.FirstAt)))
                .Append(Html.Cell("last_at", Html.Time(f.LastAt))).Append("</tr>");
        }
        if (failures.Count == 0)
            body.Append("<tr><td colspan=\"4\" class=\"muted\">no open dead letters</td></tr>");
        body.Append("</table>");

        body.Append("<h2>Latest dead letters</h2><table id=\"dead-letters\"><tr><th>job_id</th><th>custom_id</th><th>reason_code</th><th>message</th><th>attempts</th><th>source</th><th>at</th></tr>");
        foreach (var x in deadLetters)
        {
            body.Append("<tr>").Append(Html.Cell("job_id", x.JobId)).Append(Html.Cell("custom_id", x.CustomId ?? "")).Append(Html.Cell("reason_code", x.ReasonCode))
                .Append("<td class=\"text\" data-field=\"message\">").Append(Html.Encode(x.Message)).Append("</td>")
                .Append(Html.Cell("attempts", Html.Count(x.Attempts))).Append(Html.Cell("source", x.Source)).Append(Html.Cell("created_at", Html.Time(x.CreatedAt)))
                .Append("</tr>");
        }
        body.Append("</table>");
        return Html.Page(d.Dataset, body.ToString(), options.RefreshInterval);
    }

    private static string ProgressCell(DatasetOverview d)
        => string.Create(CultureInfo.InvariantCulture,
            $"<td data-field=\"progress\"><progress value=\"{d.Done}\" max=\"{Math.Max(1, d.Total)}\"></progress> {(d.Total == 0 ? 0 : 100.0 * d.Done / d.Total):0.0}%</td>");

    private static string LatencyRow(string key, string label, double? p50, double? p90, double? p99)
        => $"<tr data-measure=\"{key}\"><td>{label}</td>{Html.Cell("p50", Html.Ms(p50))}{Html.Cell("p90", Html.Ms(p90))}{Html.Cell("p99", Html.Ms(p99))}</tr>";
}
