using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Media.Intake;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// Builds the variables a chat template is rendered with (what transformers'
/// <c>apply_chat_template</c> passes: <c>messages</c>, <c>tools</c>, <c>add_generation_prompt</c>,
/// <c>enable_thinking</c>, extra keyword arguments) and lists the job's media parts in the order
/// the template emits their placeholders.
/// </summary>
public static class TemplateContext
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>One media part of the conversation, in message/part order.</summary>
    public sealed record MediaPart(MediaSource Source, string Part, int? NumFrames);

    public static JsonObject Build(SubmitPromptJob job)
    {
        var messages = new JsonArray();
        foreach (var message in job.Messages)
        {
            var node = JsonSerializer.SerializeToNode(message, Json)!.AsObject();
            // NOTE: OpenAI-style assistant turns carry content null next to tool_calls; templates
            // concatenate content, so null becomes the empty string.
            if (message.Content is null)
                node["content"] = "";
            messages.Add(node);
        }

        var context = new JsonObject();
        if (job.ChatTemplateKwargs is { } kwargs)
            foreach (var (key, value) in kwargs)
                context[key] = JsonNode.Parse(value.GetRawText());
        context["messages"] = messages;
        if (job.Tools is { Count: > 0 } tools)
            context["tools"] = JsonSerializer.SerializeToNode(tools, Json);
        context["add_generation_prompt"] = true;
        context["enable_thinking"] = job.EnableThinking;
        return context;
    }

    /// <summary>The image and video parts in the order the template renders their placeholders. The job has
    /// passed <see cref="Validation.SubmitPromptJobValidator"/>, so every media part has exactly one source.</summary>
    public static IReadOnlyList<MediaPart> MediaParts(SubmitPromptJob job)
    {
        var parts = new List<MediaPart>();
        for (var i = 0; i < job.Messages.Count; i++)
        {
            if (job.Messages[i].Content?.Parts is not { } content) continue;
            for (var j = 0; j < content.Count; j++)
            {
                var part = content[j];
                var name = $"messages[{i}].content[{j}]";
                switch (part.Type)
                {
                    case ContentPart.ImageType:
                        parts.Add(new MediaPart(Source(MediaType.Image, part, name), name, null));
                        break;
                    case ContentPart.ImageUrlType:
                        parts.Add(new MediaPart(MediaSource.FromUrl(MediaType.Image, part.ImageUrl?.Url ?? throw Unvalidated(name)), name, null));
                        break;
                    case ContentPart.VideoType:
                        parts.Add(new MediaPart(Source(MediaType.Video, part, name), name, part.NumFrames));
                        break;
                }
            }
        }
        return parts;
    }

    private static MediaSource Source(MediaType type, ContentPart part, string name)
    {
        if (part.Url is { } url) return MediaSource.FromUrl(type, url);
        if (part.Path is { } path) return MediaSource.FromPath(type, path);
        if (part.Base64 is { } base64 && type == MediaType.Image) return MediaSource.FromBase64(type, base64);
        throw Unvalidated(name);
    }

    // NOTE: an assertion, not a validation: the validator refuses such a part with its own message first.
    private static InvalidOperationException Unvalidated(string name) =>
        new($"{name}: a media part without a usable source reached job preparation; the job was not validated");
}
