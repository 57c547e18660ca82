using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using InternS1.Batch.Remote.Faults;
using InternS1.Batch.Remote.Flavors;

namespace InternS1.Batch.Remote.Requests;

/// <summary>
/// Builds the <c>POST /v1/chat/completions</c> body of one attempt for one flavor: the messages (media as
/// <c>data:</c> URLs), sampling under the flavor's field names, tools, the thinking switch so that every
/// flavor obeys it, template variables, <c>response_format</c>, and streaming with usage.
/// </summary>
internal static class ChatRequestBody
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly string[] OllamaImagePrefixes =
        ["data:image/jpeg;base64,", "data:image/jpg;base64,", "data:image/png;base64,", "data:image/webp;base64,", "data:;base64,"];

    /// <summary>The body and the request settings the flavor has no field for.</summary>
    /// <param name="request">The typed request.</param>
    /// <param name="dialect">The endpoint's flavor.</param>
    /// <param name="model">The model name to send.</param>
    /// <param name="serverRequestId">vLLM <c>request_id</c> / SGLang <c>rid</c>, when the flavor takes one.</param>
    /// <param name="sessionId">LMDeploy <c>session_id</c>, when the flavor takes one.</param>
    /// <exception cref="UnsupportedByFlavorException">A part the flavor cannot take.</exception>
    /// <exception cref="ArgumentException">A media part that is not a <c>data:</c> URL (media stays ours).</exception>
    public static (JsonObject Body, IReadOnlyList<string> NotSent) Build(
        RemoteChatRequest request, FlavorDialect dialect, string model, string? serverRequestId = null, long? sessionId = null)
    {
        var notSent = new SortedSet<string>(StringComparer.Ordinal);
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = Messages(request.Messages, dialect),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };
        Sampling(body, request, dialect, notSent);
        if (request.Tools is { Count: > 0 } tools)
            body["tools"] = JsonSerializer.SerializeToNode(tools, Json);
        Thinking(body, request, dialect, notSent);
        if (request.ResponseFormat is { } format)
            body["response_format"] = JsonNode.Parse(format.GetRawText());
        switch (dialect.RequestIds)
        {
            case FlavorDialect.RequestIdStyle.RequestId when serverRequestId is not null:
                body["request_id"] = serverRequestId;
                break;
            case FlavorDialect.RequestIdStyle.Rid when serverRequestId is not null:
                body["rid"] = serverRequestId;
                break;
            case FlavorDialect.RequestIdStyle.SessionId when sessionId is not null:
                body["session_id"] = sessionId.Value;
                break;
        }
        return (body, notSent.ToList());
    }

    private static JsonArray Messages(IReadOnlyList<RemoteMessage> messages, FlavorDialect dialect)
    {
        var array = new JsonArray();
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            var node = new JsonObject { ["role"] = message.Role };
            if (message.Content is [RemoteContentPart.Text only])
                node["content"] = only.Value;
            else if (message.Content.Count > 0)
                node["content"] = Parts(message.Content, m, dialect);
            else
                node["content"] = message.ToolCalls is { Count: > 0 } ? null : "";
            if (message.ReasoningContent is { } reasoning)
                node[dialect.ReasoningFieldOut] = reasoning;
            if (message.ToolCalls is { Count: > 0 } calls)
                node["tool_calls"] = JsonSerializer.SerializeToNode(calls, Json);
            if (message.ToolCallId is { } callId)
                node["tool_call_id"] = callId;
            if (message.Name is { } name)
                node["name"] = name;
            array.Add(node);
        }
        return array;
    }

    private static JsonArray Parts(IReadOnlyList<RemoteContentPart> parts, int m, FlavorDialect dialect)
    {
        var array = new JsonArray();
        for (var p = 0; p < parts.Count; p++)
        {
            var where = $"messages[{m}].content[{p}]";
            array.Add(parts[p] switch
            {
                RemoteContentPart.Text text => new JsonObject { ["type"] = "text", ["text"] = text.Value },
                RemoteContentPart.Image image => new JsonObject
                {
                    ["type"] = "image_url",
                    ["image_url"] = new JsonObject { ["url"] = CheckImage(image.DataUrl, where, dialect) },
                },
                RemoteContentPart.Video video => new JsonObject
                {
                    ["type"] = "video_url",
                    ["video_url"] = new JsonObject { ["url"] = CheckVideo(video.DataUrl, where, dialect) },
                },
                _ => throw new ArgumentException($"{where}: unknown part type {parts[p].GetType().Name}"),
            });
        }
        return array;
    }

    private static string CheckImage(string url, string where, FlavorDialect dialect)
    {
        RequireDataUrl(url, where);
        if (dialect.OnlyJpegPngWebp && !OllamaImagePrefixes.Any(prefix => url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            throw new UnsupportedByFlavorException(dialect.Flavor, where, $"an image of type '{MediaType(url)}' (only jpeg, png and webp)");
        return url;
    }

    private static string CheckVideo(string url, string where, FlavorDialect dialect)
    {
        RequireDataUrl(url, where);
        if (!dialect.AcceptsVideo)
            throw new UnsupportedByFlavorException(dialect.Flavor, where, "video");
        return url;
    }

    private static void RequireDataUrl(string url, string where)
    {
        // NOTE: media stays ours. The worker fetches and checks every image and video (media root, URL
        // policy, SSRF checks, limits) and hands over bytes; a URL here would let the server fetch it.
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || !url.Contains(";base64,", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{where}: media must be a data:...;base64, URL (the worker fetches media itself), not '{Shorten(url)}'.");
    }

    private static string MediaType(string dataUrl)
    {
        var end = dataUrl.IndexOf(';');
        return end > 5 ? dataUrl[5..end] : "(none)";
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private static void Sampling(JsonObject body, RemoteChatRequest request, FlavorDialect dialect, SortedSet<string> notSent)
    {
        if (request.Sampling is not { } s)
            return;
        if (s.Temperature is { } temperature)
            body["temperature"] = temperature;
        if (s.TopP is { } topP)
            body["top_p"] = topP;
        if (s.TopK is { } topK)
        {
            if (dialect.SendsTopKAndMinP)
                body["top_k"] = topK <= 0 ? dialect.TopKDisabled : topK;
            else
                notSent.Add("top_k");
        }
        if (s.MinP is { } minP)
        {
            if (dialect.SendsTopKAndMinP)
                body["min_p"] = minP;
            else
                notSent.Add("min_p");
        }
        if (s.Seed is { } seed)
            body["seed"] = seed;
        if (s.Stop is { Count: > 0 } stop)
            body["stop"] = new JsonArray(stop.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
        if (s.MaxNewTokens is { } maxNewTokens)
        {
            if (dialect.SendsMaxCompletionTokens)
                body["max_completion_tokens"] = maxNewTokens;
            if (dialect.SendsMaxTokens)
                body["max_tokens"] = maxNewTokens;
        }
    }

    private static void Thinking(JsonObject body, RemoteChatRequest request, FlavorDialect dialect, SortedSet<string> notSent)
    {
        if (dialect.Thinking == FlavorDialect.ThinkingSwitch.ReasoningEffort)
        {
            // NOTE: Ollama's /v1 maps reasoning_effort "none" to think=false and any level to think=true
            // ("medium" is what think=true means there); it has no chat_template_kwargs.
            body["reasoning_effort"] = request.EnableThinking ? "medium" : "none";
            if (request.TemplateVariables is { Count: > 0 })
                notSent.Add("chat_template_kwargs");
            return;
        }
        var kwargs = new JsonObject();
        foreach (var (name, value) in request.TemplateVariables ?? new Dictionary<string, JsonElement>())
            if (name != "enable_thinking")
                kwargs[name] = JsonNode.Parse(value.GetRawText());
        kwargs["enable_thinking"] = request.EnableThinking;
        body["chat_template_kwargs"] = kwargs;
        if (dialect.Thinking == FlavorDialect.ThinkingSwitch.TemplateKwargsAndTopLevel)
            body["enable_thinking"] = request.EnableThinking;
    }
}
