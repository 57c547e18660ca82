using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace InternS1.Batch.FakeOpenAi;

/// <summary>The JSON and text each imitated server puts on the wire (chunks, usage, errors, model lists,
/// metrics), written from the servers' documented shapes (shared/notes/remote-engines.md §2-§3).</summary>
internal static class FakeWire
{
    public static string OwnedBy(FakeFlavor flavor, string model) => flavor switch
    {
        FakeFlavor.Lmdeploy => "lmdeploy",
        FakeFlavor.Vllm => "vllm",
        FakeFlavor.Sglang => "sglang",
        // Ollama: the model name's namespace (internlm/interns1:mini -> internlm; a bare name -> library).
        FakeFlavor.Ollama => model.Contains('/') ? model[..model.IndexOf('/')] : "library",
        _ => "organization-owner",
    };

    public static JsonObject Models(FakeServerOptions options) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(options.Models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m,
            ["object"] = "model",
            ["created"] = 1_760_000_000,
            ["owned_by"] = OwnedBy(options.Flavor, m),
        }).ToArray()),
    };

    /// <summary>An error body: <c>{"error": {...}}</c> for vLLM, Ollama and generic servers, the
    /// <c>{"object": "error", ...}</c> shape for LMDeploy and SGLang.</summary>
    public static JsonObject Error(FakeFlavor flavor, int code, string message) => flavor is FakeFlavor.Lmdeploy or FakeFlavor.Sglang
        ? new JsonObject { ["object"] = "error", ["message"] = message, ["code"] = code }
        : new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = code == 400 ? "BadRequestError" : "ServerError", ["code"] = code } };

    /// <summary>One chunk with a delta for choice 0.</summary>
    public static JsonObject Chunk(string id, string model, JsonObject delta, string? finishReason = null) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_760_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
    };

    /// <summary>The reasoning delta under the flavor's field name.</summary>
    public static JsonObject ReasoningDelta(FakeFlavor flavor, string text) =>
        flavor is FakeFlavor.Vllm or FakeFlavor.Ollama ? new JsonObject { ["reasoning"] = text } : new JsonObject { ["reasoning_content"] = text };

    /// <summary>The final usage chunk (empty choices) in the flavor's shape.</summary>
    public static JsonObject Usage(string id, string model, FakeServerOptions options, int prompt, int completion, int reasoning)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = prompt,
            ["completion_tokens"] = completion,
            ["total_tokens"] = prompt + completion,
        };
        if (options.CachedReported)
            usage["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = prompt / 2 };
        if (options.Flavor == FakeFlavor.Lmdeploy)
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning };
        if (options.Flavor == FakeFlavor.Sglang)
            usage["reasoning_tokens"] = reasoning;
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_760_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(),
            ["usage"] = usage,
        };
    }

    /// <summary>Prometheus text with the flavor's queue gauges, or null for flavors without metrics.</summary>
    public static string? Metrics(FakeFlavor flavor, string model, int running, int waiting)
    {
        var (runningName, waitingName) = flavor switch
        {
            FakeFlavor.Vllm => ("vllm:num_requests_running", "vllm:num_requests_waiting"),
            FakeFlavor.Lmdeploy => ("lmdeploy:num_requests_running", "lmdeploy:num_requests_waiting"),
            FakeFlavor.Sglang => ("sglang:num_running_reqs", "sglang:num_queue_reqs"),
            _ => ((string?)null, (string?)null),
        };
        if (runningName is null)
            return null;
        var text = new StringBuilder();
        foreach (var (name, value) in new[] { (runningName, running), (waitingName!, waiting) })
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} Number of requests.\n# TYPE {name} gauge\n");
            text.Append(CultureInfo.InvariantCulture, $"{name}{{model_name=\"{model}\",engine=\"0\"}} {value}.0\n");
        }
        text.Append("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 12.5\n");
        return text.ToString();
    }
}
