using System.Text.Json.Nodes;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>Maps the <c>body</c> of an OpenAI Batch chat-completions line to a native job:
/// <c>messages</c>, <c>tools</c>, <c>metadata</c>, <c>response_format</c> as they are; <c>temperature</c>, <c>top_p</c>, <c>top_k</c>,
/// <c>min_p</c>, <c>seed</c>, <c>stop</c> (a string or a list), <c>max_completion_tokens</c> (or
/// <c>max_tokens</c>) into <c>sampling</c>; <c>chat_template_kwargs.enable_thinking</c> (vLLM's form) or
/// <c>enable_thinking</c> into <c>enable_thinking</c>. Content parts in OpenAI's media forms become the job's:
/// <c>{"type":"video_url","video_url":{"url"}}</c> a <c>video</c> part with that <c>url</c>, and an <c>image_url</c>
/// given as a plain string (as LMDeploy accepts) the <c>{"url"}</c> object. <c>model</c> is ignored (the worker
/// serves one model). Values are copied without judging them: the worker validates each job. The one mapping of
/// an OpenAI chat-completions body: batch lines and the serve endpoint both use it.</summary>
public static class OpenAiBatchBody
{
    public static JsonObject ToNativeJob(string customId, JsonObject body)
    {
        var job = new JsonObject
        {
            ["custom_id"] = customId,
            ["messages"] = Messages(body["messages"]),
        };
        if (body["tools"] is { } tools)
            job["tools"] = tools.DeepClone();
        if (body["metadata"] is { } metadata)
            job["metadata"] = metadata.DeepClone();
        if (body["response_format"] is { } format)
            job["response_format"] = format.DeepClone();

        var sampling = new JsonObject();
        foreach (var name in new[] { "temperature", "top_p", "top_k", "min_p", "seed" })
        {
            if (body[name] is { } value)
                sampling[name] = value.DeepClone();
        }
        if ((body["max_completion_tokens"] ?? body["max_tokens"]) is { } max)
            sampling["max_new_tokens"] = max.DeepClone();
        if (body["stop"] is JsonValue single && single.TryGetValue<string>(out var stop))
            sampling["stop"] = new JsonArray(stop);
        else if (body["stop"] is { } stops)
            sampling["stop"] = stops.DeepClone();
        if (sampling.Count > 0)
            job["sampling"] = sampling;

        var thinking = (body["chat_template_kwargs"] as JsonObject)?["enable_thinking"] ?? body["enable_thinking"];
        if (thinking is not null)
            job["enable_thinking"] = thinking.DeepClone();
        if (body["chat_template_kwargs"] is JsonObject kwargs)
            job["chat_template_kwargs"] = kwargs.DeepClone();
        return job;
    }

    private static JsonNode? Messages(JsonNode? messages)
    {
        var copy = messages?.DeepClone();
        if (copy is not JsonArray list)
            return copy;
        foreach (var message in list)
        {
            if (message?["content"] is not JsonArray parts)
                continue;
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i] is not JsonObject part || part["type"] is not JsonValue type || !type.TryGetValue<string>(out var kind))
                    continue;
                if (kind == "video_url" && part["video_url"] is { } video)
                    parts[i] = new JsonObject { ["type"] = "video", ["url"] = (video is JsonObject o ? o["url"] : video)?.DeepClone() };
                else if (kind == "image_url" && part["image_url"] is JsonValue url)
                    part["image_url"] = new JsonObject { ["url"] = url.DeepClone() };
            }
        }
        return copy;
    }
}
