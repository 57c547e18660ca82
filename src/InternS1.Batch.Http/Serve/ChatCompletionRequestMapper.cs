using System.Text.Json;
using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Batch;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Worker.Consumers;
using Microsoft.AspNetCore.Http;

namespace InternS1.Batch.Http.Serve;

/// <summary>
/// The one mapping of an OpenAI <c>/v1/chat/completions</c> request body to a job: the fields a job has go through
/// <see cref="OpenAiBatchBody.ToNativeJob"/> (the mapping <c>interns1 submit</c> uses for OpenAI Batch lines) and the
/// job's own reader; this class adds only what belongs to a live request — <c>stream</c> and
/// <c>stream_options.include_usage</c>, <c>tool_choice</c> (<c>auto</c>, or <c>none</c>: the tools are not offered),
/// the dataset (header, <c>user</c>, default) — and refuses what the engine would silently not do: <c>n</c> other
/// than 1, other <c>tool_choice</c> values, log probabilities, penalties and logit bias. <c>response_format</c>
/// (<c>text</c>, <c>json_object</c>, <c>json_schema</c>) goes to the job as it is, so the worker's validator judges it
/// and the preparer compiles its constraint. The job is then judged by the worker's validator like any other.
/// </summary>
public static class ChatCompletionRequestMapper
{
    /// <summary>The request of <paramref name="body"/>, to run as job <paramref name="requestId"/>.</summary>
    /// <exception cref="ServeException">400, naming the field.</exception>
    public static ServeRequest Map(JsonNode? body, string requestId, string? datasetHeader, string defaultDataset)
    {
        if (body is not JsonObject request)
            throw Invalid(FailureReasons.MalformedMessage, null, "request body: expected a JSON object");
        if (request["messages"] is null)
            throw Invalid(FailureReasons.InvalidField, "messages", "messages: is missing");
        var stream = Bool(request, "stream", "stream");
        var includeUsage = request["stream_options"] is JsonObject so && Bool(so, "include_usage", "stream_options.include_usage");
        RefuseUnsupported(request);
        var toolChoice = ToolChoice(request);

        var job = OpenAiBatchBody.ToNativeJob(requestId, request);
        if (toolChoice == "none")
            job.Remove("tools");
        job["job_id"] = requestId;
        var fromHeader = !string.IsNullOrEmpty(datasetHeader);
        job["dataset"] = fromHeader ? datasetHeader
            : request["user"] is JsonValue user && user.TryGetValue<string>(out var name) && !string.IsNullOrEmpty(name) ? name : defaultDataset;
        try
        {
            return new ServeRequest(JobPayload.Deserialize(job.ToJsonString()), stream, includeUsage, request, fromHeader);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
            var field = path ?? "request body";
            throw Invalid(FailureReasons.MalformedMessage, path is null ? null : ParamName(path, request, fromHeader),
                $"{field}: {FirstSentence(e.Message)}");
        }
    }

    /// <summary>The name the client used for a job field (<c>sampling.top_p</c> -> <c>top_p</c>,
    /// <c>sampling.max_new_tokens</c> -> <c>max_completion_tokens</c> or <c>max_tokens</c>, <c>dataset</c> -> the header
    /// or <c>user</c>); other paths (<c>messages[0].content[1].type</c>, <c>tools[0].function.name</c>) are the same.</summary>
    public static string ParamName(string jobField, JsonObject body, bool datasetFromHeader)
    {
        if (jobField == "dataset") return datasetFromHeader ? ServeOptions.DatasetHeader : "user";
        if (jobField.StartsWith("sampling.max_new_tokens", StringComparison.Ordinal))
            return body.ContainsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (jobField.StartsWith("sampling.", StringComparison.Ordinal)) return jobField["sampling.".Length..];
        if (jobField == "enable_thinking" && !body.ContainsKey("enable_thinking")) return "chat_template_kwargs.enable_thinking";
        return jobField;
    }

    private static void RefuseUnsupported(JsonObject request)
    {
        if (request["n"] is JsonValue n && !(n.TryGetValue<int>(out var count) && count == 1))
            throw Invalid(FailureReasons.InvalidField, "n", $"n: {n.ToJsonString()} is not supported (one choice per request; send n = 1 or leave it out)");
        if (request["logprobs"] is JsonValue logprobs && logprobs.TryGetValue<bool>(out var wanted) && wanted)
            throw Invalid(FailureReasons.InvalidField, "logprobs", "logprobs: log probabilities are not supported");
        if (request["top_logprobs"] is JsonValue)
            throw Invalid(FailureReasons.InvalidField, "top_logprobs", "top_logprobs: log probabilities are not supported");
        foreach (var penalty in new[] { "presence_penalty", "frequency_penalty" })
        {
            if (request[penalty] is JsonValue v && !(v.TryGetValue<double>(out var x) && x == 0))
                throw Invalid(FailureReasons.InvalidSampling, penalty, $"{penalty}: {v.ToJsonString()} is not supported (only 0)");
        }
        if (request["logit_bias"] is JsonObject { Count: > 0 })
            throw Invalid(FailureReasons.InvalidSampling, "logit_bias", "logit_bias: not supported");
    }

    private static string? ToolChoice(JsonObject request)
    {
        switch (request["tool_choice"])
        {
            case null:
                return null;
            case JsonValue v when v.TryGetValue<string>(out var choice) && choice is "auto" or "none":
                return choice;
            case var other:
                throw Invalid(FailureReasons.InvalidField, "tool_choice", $"tool_choice: {other.ToJsonString()} is not supported (auto, none)");
        }
    }

    private static bool Bool(JsonObject o, string name, string path) => o[name] switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => throw Invalid(FailureReasons.InvalidField, path, $"{path}: {other.ToJsonString()} must be true or false"),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static ServeException Invalid(string code, string? param, string message) =>
        new(StatusCodes.Status400BadRequest, code, message, param);
}
