using System.Security.Cryptography;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Remote.Requests;
using InternS1.Batch.Worker.Preparation;
using InternS1.Media.Intake;

namespace InternS1.Batch.Remote.Execution;

/// <summary>
/// Turns a validated job into a <see cref="RemoteChatRequest"/>: the messages as they are (the server renders them
/// with its own chat template), every image and video fetched and checked by the worker's own media intake
/// (<see cref="MediaLoader.InspectAsync"/>: media root, URL policy, SSRF checks, size, pixel and duration limits)
/// and sent as a <c>data:</c> URL, so a server never fetches a user's URL; the job's sampling over Intern-S1's
/// recommended values, its tools, thinking switch and extra template variables. Media errors propagate as
/// <see cref="InternS1.Media.MediaException"/> (the caller maps them with <see cref="MediaFailureReasons"/>).
/// </summary>
public sealed class RemoteRequestBuilder(MediaLoader media, int defaultMaxNewTokens)
{
    public async Task<PreparedRemoteJob> BuildAsync(SubmitPromptJob job, CancellationToken cancellationToken)
    {
        // 1. Media, in part order, through the same intake as the local engine (each failure names its part).
        var inspected = new Dictionary<string, InspectedMedia>(StringComparer.Ordinal);
        foreach (var part in TemplateContext.MediaParts(job))
            inspected[part.Part] = await media.InspectAsync(part.Source, part.Part, part.NumFrames, cancellationToken).ConfigureAwait(false);

        // 2. Messages with the media replaced by data: URLs.
        var messages = new List<RemoteMessage>(job.Messages.Count);
        for (var i = 0; i < job.Messages.Count; i++)
            messages.Add(Message(job.Messages[i], i, inspected));

        // 3. Sampling: what the job sets over Intern-S1's recommended values (the local engine's defaults), so the
        // same job samples the same way in both modes; a drawn seed is sent and stored.
        var s = job.Sampling;
        var seed = s?.Seed ?? (BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue);
        var sampling = new SamplingSettings
        {
            Temperature = s?.Temperature ?? SamplingSettings.DefaultTemperature,
            TopP = s?.TopP ?? SamplingSettings.DefaultTopP,
            TopK = s?.TopK ?? SamplingSettings.DefaultTopK,
            MinP = s?.MinP ?? SamplingSettings.DefaultMinP,
            MaxNewTokens = s?.MaxNewTokens ?? defaultMaxNewTokens,
            Seed = seed,
            Stop = s?.Stop,
        };
        return new PreparedRemoteJob
        {
            Request = new RemoteChatRequest
            {
                Messages = messages,
                Tools = job.Tools,
                Sampling = sampling,
                EnableThinking = job.EnableThinking,
                TemplateVariables = job.ChatTemplateKwargs,
                RequestId = job.JobId,
            },
            ImageTokens = inspected.Values.Where(m => m.Type == MediaType.Image).Sum(m => m.ContextTokens),
            VideoTokens = inspected.Values.Where(m => m.Type == MediaType.Video).Sum(m => m.ContextTokens),
            Seed = seed,
        };
    }

    /// <summary>True when the job has a video part (checked against the endpoints' flavors before any download).</summary>
    public static bool HasVideo(SubmitPromptJob job) => job.Messages.Any(m => m.Content?.Parts?.Any(p => p.Type == ContentPart.VideoType) == true);

    private static RemoteMessage Message(ChatMessage message, int index, IReadOnlyDictionary<string, InspectedMedia> media)
    {
        var parts = new List<RemoteContentPart>();
        if (message.Content?.Text is { } text)
            parts.Add(new RemoteContentPart.Text(text));
        for (var j = 0; j < (message.Content?.Parts?.Count ?? 0); j++)
        {
            var part = message.Content!.Parts![j];
            var name = $"messages[{index}].content[{j}]";
            parts.Add(part.Type switch
            {
                ContentPart.TextType => new RemoteContentPart.Text(part.Text ?? ""),
                ContentPart.ImageType or ContentPart.ImageUrlType => new RemoteContentPart.Image(media[name].ToDataUrl()),
                ContentPart.VideoType => new RemoteContentPart.Video(media[name].ToDataUrl()),
                // NOTE: an assertion: the validator refuses unknown part types (unsupported_content) before execution.
                _ => throw new InvalidOperationException($"{name}: part type '{part.Type}' reached the remote executor; the job was not validated"),
            });
        }
        return new RemoteMessage
        {
            Role = message.Role,
            Content = parts,
            ReasoningContent = message.ReasoningContent,
            ToolCalls = message.ToolCalls,
            ToolCallId = message.ToolCallId,
            Name = message.Name,
        };
    }
}
