using System.Text.Json.Nodes;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Job JSON for tests.</summary>
public static class Jobs
{
    public static JsonObject Text(string jobId, string dataset, string customId, string text) => new()
    {
        ["job_id"] = jobId,
        ["dataset"] = dataset,
        ["custom_id"] = customId,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        ["enable_thinking"] = false,
    };

    public static JsonObject WithParts(string jobId, string dataset, string customId, params JsonObject[] parts) => new()
    {
        ["job_id"] = jobId,
        ["dataset"] = dataset,
        ["custom_id"] = customId,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(parts.Cast<JsonNode>().ToArray()) }),
        ["enable_thinking"] = false,
    };
}
