using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>
/// Reads a submit file (JSON Lines): native job lines (<c>{custom_id, messages, sampling, ...}</c>) and
/// OpenAI Batch API input lines (<c>{custom_id, method, url:"/v1/chat/completions", body:{messages, ...}}</c>).
/// The whole file is refused, with line numbers, when a line is not JSON, not an object, lacks
/// <c>messages</c> / <c>body.messages</c> or a <c>custom_id</c>, asks for another endpoint than
/// <c>/v1/chat/completions</c>, or repeats a <c>custom_id</c>. Everything else is left to the worker.
/// Jobs without a <c>job_id</c> get a deterministic one from the dataset and custom_id, so submitting
/// the same file again computes nothing twice.
/// </summary>
public static class JobFileReader
{
    /// <summary>Reads every line; returns the jobs, or the problems when there is any.</summary>
    public static (IReadOnlyList<JobLine> Jobs, IReadOnlyList<JobFileProblem> Problems) Read(TextReader reader, string dataset)
    {
        var jobs = new List<JobLine>();
        var problems = new List<JobFileProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
                continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                problems.Add(new(number, $"not valid JSON ({ex.Message})"));
                continue;
            }
            if (node is not JsonObject line)
            {
                problems.Add(new(number, $"expected a JSON object, got {Kind(node)}"));
                continue;
            }
            var (job, problem) = IsBatchLine(line) ? FromBatchLine(line) : FromNativeLine(line);
            if (problem is not null || job is null)
            {
                problems.Add(new(number, problem ?? "unreadable"));
                continue;
            }
            var customId = job["custom_id"]!.GetValue<string>();
            if (seen.TryGetValue(customId, out var first))
            {
                problems.Add(new(number, $"custom_id '{customId}' repeats line {first}"));
                continue;
            }
            seen[customId] = number;
            job["dataset"] = dataset;
            var jobId = job["job_id"] is JsonValue v && v.TryGetValue<string>(out var given) && !string.IsNullOrWhiteSpace(given)
                ? given : DeriveJobId(dataset, customId);
            job["job_id"] = jobId;
            jobs.Add(new JobLine(number, jobId, customId, job));
        }
        return (jobs, problems);
    }

    /// <summary>The job id of a line without one: <c>j-</c> + 32 hex digits of SHA-256(dataset, NUL, custom_id).</summary>
    public static string DeriveJobId(string dataset, string customId)
        => "j-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dataset + "\0" + customId)))[..32].ToLowerInvariant();

    private static bool IsBatchLine(JsonObject line) => line.ContainsKey("body") || line.ContainsKey("url") || line.ContainsKey("method");

    private static (JsonObject?, string?) FromNativeLine(JsonObject line)
    {
        if (line["messages"] is null)
            return (null, "messages is missing");
        if (CustomId(line) is { } problem)
            return (null, problem);
        return ((JsonObject)line.DeepClone(), null);
    }

    private static (JsonObject?, string?) FromBatchLine(JsonObject line)
    {
        if (line["body"] is not JsonObject body)
            return (null, "body is missing or not an object (OpenAI Batch line)");
        if (body["messages"] is null)
            return (null, "body.messages is missing");
        if (CustomId(line) is { } problem)
            return (null, problem);
        var url = line["url"] is JsonValue u && u.TryGetValue<string>(out var s) ? s : BatchInputLine.ChatCompletionsUrl;
        if (url != BatchInputLine.ChatCompletionsUrl)
            return (null, $"url '{url}' is not supported (only {BatchInputLine.ChatCompletionsUrl})");
        if (body["chat_template_kwargs"] is { } kwargs && kwargs is not JsonObject)
            return (null, "body.chat_template_kwargs must be an object (e.g. {\"enable_thinking\": false})");
        return (OpenAiBatchBody.ToNativeJob(line["custom_id"]!.GetValue<string>(), body), null);
    }

    private static string? CustomId(JsonObject line)
        => line["custom_id"] is JsonValue v && v.TryGetValue<string>(out var id) && !string.IsNullOrWhiteSpace(id)
            ? null : "custom_id is missing or not a non-empty string";

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a " + v.GetValueKind().ToString().ToLowerInvariant(),
        },
        _ => node.GetValueKind().ToString(),
    };
}
