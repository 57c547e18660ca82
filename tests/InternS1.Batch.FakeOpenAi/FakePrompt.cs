using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternS1.Batch.FakeOpenAi;

/// <summary>Reads a chat request the way the imitated server would: prompt tokens, the thinking switch
/// (each flavor's own field) and the token limit (each flavor's own field).</summary>
internal static class FakePrompt
{
    /// <summary>One token per whitespace-separated word of text, plus the image and video token costs.</summary>
    public static int CountTokens(JsonObject request, FakeServerOptions options)
    {
        var tokens = 0;
        foreach (var message in request["messages"]?.AsArray() ?? [])
        {
            var content = message?["content"];
            if (content is JsonValue value && value.TryGetValue<string>(out var text))
                tokens += Words(text);
            else if (content is JsonArray parts)
                foreach (var part in parts)
                {
                    tokens += part?["type"]?.GetValue<string>() switch
                    {
                        "text" => Words(part["text"]?.GetValue<string>() ?? ""),
                        "image_url" => options.ImageTokens,
                        "video_url" => options.VideoTokens,
                        _ => 0,
                    };
                }
        }
        return tokens;
    }

    /// <summary>Whether the template would think: LMDeploy reads <c>chat_template_kwargs.enable_thinking</c>,
    /// else its top-level <c>enable_thinking</c>; vLLM, SGLang and generic servers only the former; Ollama
    /// <c>reasoning_effort</c> (<c>none</c> = off). Missing means on (Intern-S1's template default).</summary>
    public static bool Thinking(JsonObject request, FakeFlavor flavor)
    {
        if (flavor == FakeFlavor.Ollama)
            return request["reasoning_effort"]?.GetValue<string>() is not "none";
        if (request["chat_template_kwargs"]?["enable_thinking"] is JsonValue kwarg && kwarg.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return kwarg.GetValue<bool>();
        if (flavor == FakeFlavor.Lmdeploy && request["enable_thinking"] is JsonValue top && top.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            return top.GetValue<bool>();
        return true;
    }

    /// <summary>The token limit: Ollama reads only <c>max_tokens</c>; the others prefer <c>max_completion_tokens</c>.</summary>
    public static int? MaxTokens(JsonObject request, FakeFlavor flavor)
    {
        var completion = request["max_completion_tokens"]?.GetValue<int>();
        var max = request["max_tokens"]?.GetValue<int>();
        return flavor == FakeFlavor.Ollama ? max : completion ?? max;
    }

    public static bool IncludeUsage(JsonObject request) =>
        request["stream_options"]?["include_usage"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
