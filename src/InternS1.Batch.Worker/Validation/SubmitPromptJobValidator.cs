using System.Globalization;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Validation;

/// <summary>
/// The one check of a job's contract, before it reaches the engine: identity, messages, roles, content parts
/// (type, exactly one media source, at most <c>Validation:MaxMediaPartsPerMessage</c> per message and
/// <c>Validation:MaxMediaParts</c> per job), tools, sampling ranges, priority range,
/// deadline horizon, response_format (its schema's keywords, <see cref="ResponseFormatValidator"/>). Later stages (job preparation, media intake) trust what passed. Pure (no I/O): media existence,
/// template rendering and prompt length are the executor's checks. The first problem found is returned, naming the
/// field's JSON path.
/// </summary>
public sealed class SubmitPromptJobValidator(IOptions<JobValidationOptions> options, TimeProvider time)
{
    /// <summary>Lowest <c>priority</c> accepted.</summary>
    public const int MinPriority = -100;

    /// <summary>Highest <c>priority</c> accepted: a producer can order its own jobs, not jump every queue.</summary>
    public const int MaxPriority = 100;

    private static readonly string[] Roles = ["system", "user", "assistant", "tool"];
    private readonly JobValidationOptions _options = options.Value;

    /// <summary>Checks the identity fields (<c>job_id</c>, <c>dataset</c>, <c>custom_id</c>) that the
    /// bookkeeping needs (<see cref="JobIdentity"/>). Null when they are fine.</summary>
    public JobRejection? ValidateIdentity(SubmitPromptJob job) => JobIdentity.Validate(job);

    /// <summary>Checks every field. Null when the job may run.</summary>
    public JobRejection? Validate(SubmitPromptJob job)
        => JobIdentity.Validate(job) ?? ValidateMessages(job.Messages) ?? ValidateMediaCount(job.Messages) ?? ValidateTools(job.Tools)
           ?? ValidateSampling(job.Sampling) ?? ValidatePriority(job.Priority) ?? ValidateDeadline(job.Deadline)
           ?? ResponseFormatValidator.Validate(job.ResponseFormat);

    private JobRejection? ValidateMediaCount(IReadOnlyList<ChatMessage> messages)
    {
        var count = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var inMessage = messages[i].Content?.Parts?.Count(p => p.Type is ContentPart.ImageType or ContentPart.ImageUrlType or ContentPart.VideoType) ?? 0;
            if (inMessage > _options.MaxMediaPartsPerMessage)
                return Invalid($"messages[{i}].content",
                    $"has {inMessage} image and video parts, the limit per message is {_options.MaxMediaPartsPerMessage} (Validation:MaxMediaPartsPerMessage)");
            count += inMessage;
        }
        return count > _options.MaxMediaParts
            ? Invalid("messages", $"has {count} image and video parts, the limit is {_options.MaxMediaParts} (Validation:MaxMediaParts)")
            : null;
    }

    private static JobRejection? ValidatePriority(int priority)
        => priority is < MinPriority or > MaxPriority ? Invalid("priority", $"{priority} is not in [{MinPriority}, {MaxPriority}]") : null;

    private JobRejection? ValidateMessages(IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is null || messages.Count == 0)
            return Invalid("messages", "must contain at least one message");
        if (messages.Count > _options.MaxMessages)
            return Invalid("messages", $"has {messages.Count} messages, the limit is {_options.MaxMessages}");
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            if (m is null)
                return Invalid($"messages[{i}]", "must be an object");
            if (m.Role is null || !Roles.Contains(m.Role))
                return Invalid($"messages[{i}].role", $"'{m.Role}' is not one of {string.Join(", ", Roles)}");
            if (m.Content is null)
            {
                if (m.Role == "assistant" && m.ToolCalls is { Count: > 0 })
                    continue;
                return Invalid($"messages[{i}].content", $"must be set for a {m.Role} message");
            }
            if (m.Content.Parts is { } parts && ValidateParts(i, parts) is { } bad)
                return bad;
            if (m.Content.Parts is null && m.Content.Text is null)
                return Invalid($"messages[{i}].content", "must be a string or a list of parts");
            for (var t = 0; t < (m.ToolCalls?.Count ?? 0); t++)
            {
                var call = m.ToolCalls![t];
                if (call?.Function is null || string.IsNullOrWhiteSpace(call.Function.Name))
                    return Invalid($"messages[{i}].tool_calls[{t}].function.name", "must be a non-empty string");
            }
        }
        return null;
    }

    private static JobRejection? ValidateParts(int i, IReadOnlyList<ContentPart> parts)
    {
        if (parts.Count == 0)
            return Invalid($"messages[{i}].content", "the list of parts is empty");
        for (var j = 0; j < parts.Count; j++)
        {
            var p = parts[j];
            var at = $"messages[{i}].content[{j}]";
            if (p is null)
                return Invalid(at, "must be an object");
            switch (p.Type)
            {
                case ContentPart.TextType:
                    if (p.Text is null)
                        return Invalid($"{at}.text", "must be set for a text part");
                    break;
                case ContentPart.ImageType:
                    if (Sources(p.Url, p.Path, p.Base64) is { } found)
                        return Invalid(at, $"an image part needs exactly one of url, path, base64 (found {found})");
                    break;
                case ContentPart.ImageUrlType:
                    if (string.IsNullOrWhiteSpace(p.ImageUrl?.Url))
                        return Invalid($"{at}.image_url.url", "must be set for an image_url part");
                    break;
                case ContentPart.VideoType:
                    if (p.Base64 is not null)
                        return new JobRejection(FailureReasons.UnsupportedContent, $"{at}.base64", "inline video is not supported; use url or path");
                    if (Sources(p.Url, p.Path) is { } videoFound)
                        return Invalid(at, $"a video part needs exactly one of url, path (found {videoFound})");
                    if (p.NumFrames is <= 0)
                        return Invalid($"{at}.num_frames", $"{p.NumFrames} must be positive");
                    break;
                default:
                    return new JobRejection(FailureReasons.UnsupportedContent, $"{at}.type", $"'{p.Type}' is not supported (text, image, image_url, video)");
            }
        }
        return null;
    }

    /// <summary>Null when exactly one source is given (present and non-empty, the others absent); else how many
    /// are given (non-empty ones, or present ones when an empty string stands beside the one real source).</summary>
    private static int? Sources(params string?[] values)
    {
        var nonEmpty = values.Count(v => !string.IsNullOrEmpty(v));
        var present = values.Count(v => v is not null);
        return nonEmpty != 1 ? nonEmpty : present != 1 ? present : null;
    }

    private static JobRejection? ValidateTools(IReadOnlyList<ToolDefinition>? tools)
    {
        for (var t = 0; t < (tools?.Count ?? 0); t++)
        {
            var tool = tools![t];
            if (tool is null || tool.Type != "function")
                return Invalid($"tools[{t}].type", $"'{tool?.Type}' is not supported (function)");
            if (string.IsNullOrWhiteSpace(tool.Function?.Name))
                return Invalid($"tools[{t}].function.name", "must be a non-empty string");
        }
        return null;
    }

    private JobRejection? ValidateSampling(SamplingSettings? s)
    {
        if (s is null)
            return null;
        if (s.Temperature is { } temperature && !(temperature >= 0 && temperature <= 2))
            return Sampling("sampling.temperature", $"{F(temperature)} is not in [0, 2]");
        if (s.TopP is { } topP && !(topP > 0 && topP <= 1))
            return Sampling("sampling.top_p", $"{F(topP)} is not in (0, 1]");
        if (s.TopK is { } topK && topK < -1)
            return Sampling("sampling.top_k", $"{topK} must be -1 (disabled), 0 (disabled) or positive");
        if (s.MinP is { } minP && !(minP >= 0 && minP <= 1))
            return Sampling("sampling.min_p", $"{F(minP)} is not in [0, 1]");
        if (s.MaxNewTokens is { } max && max <= 0)
            return Sampling("sampling.max_new_tokens", $"{max} must be positive");
        if (s.MaxNewTokens is { } max2 && max2 > _options.MaxNewTokensLimit)
            return Sampling("sampling.max_new_tokens", $"{max2} is above the limit {_options.MaxNewTokensLimit}");
        if (s.MaxReasoningTokens is { } reasoning && reasoning <= 0)
            return Sampling("sampling.max_reasoning_tokens", $"{reasoning} must be positive");
        if (s.MaxReasoningTokens is { } reasoning2 && s.MaxNewTokens is { } max3 && reasoning2 >= max3)
            return Sampling("sampling.max_reasoning_tokens", $"{reasoning2} must be below max_new_tokens ({max3}), or the answer gets no tokens");
        if (s.Stop is { } stop)
        {
            if (stop.Count > _options.MaxStopStrings)
                return Sampling("sampling.stop", $"has {stop.Count} strings, the limit is {_options.MaxStopStrings}");
            for (var k = 0; k < stop.Count; k++)
            {
                if (string.IsNullOrEmpty(stop[k]))
                    return Sampling($"sampling.stop[{k}]", "must be a non-empty string");
                if (stop[k].Length > _options.MaxStopStringLength)
                    return Sampling($"sampling.stop[{k}]", $"is {stop[k].Length} characters long, the limit is {_options.MaxStopStringLength}");
            }
        }
        return null;
    }

    private JobRejection? ValidateDeadline(DateTimeOffset? deadline)
    {
        if (deadline is { } d && d - time.GetUtcNow() > _options.MaxDeadlineHorizon)
            return Invalid("deadline", $"{d:O} is more than {_options.MaxDeadlineHorizon.TotalDays:0.##} days ahead");
        return null;
    }

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static JobRejection Invalid(string field, string detail) => new(FailureReasons.InvalidField, field, detail);

    private static JobRejection Sampling(string field, string detail) => new(FailureReasons.InvalidSampling, field, detail);
}
