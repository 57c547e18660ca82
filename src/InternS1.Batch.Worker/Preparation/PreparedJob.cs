using InternS1.Engine.Requests;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>A job turned into an engine request, with the accounting the result needs.</summary>
public sealed record PreparedJob
{
    public required EngineRequest Request { get; init; }

    /// <summary>Placeholder tokens of images (part of the prompt tokens).</summary>
    public int ImageTokens { get; init; }

    /// <summary>Placeholder tokens of video frames (part of the prompt tokens).</summary>
    public int VideoTokens { get; init; }

    public required bool ThinkingEnabled { get; init; }
}
