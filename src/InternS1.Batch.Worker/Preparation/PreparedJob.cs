using InternS1.Engine.Requests;
using InternS1.Media.Intake;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>A job turned into an engine request, with the accounting the result needs. Dispose it when the job has
/// ended: that returns its media's share of the decoded-media budget.</summary>
public sealed record PreparedJob : IDisposable
{
    public required EngineRequest Request { get; init; }

    /// <summary>Placeholder tokens of images (part of the prompt tokens).</summary>
    public int ImageTokens { get; init; }

    /// <summary>Placeholder tokens of video frames (part of the prompt tokens).</summary>
    public int VideoTokens { get; init; }

    public required bool ThinkingEnabled { get; init; }

    /// <summary>The float32 tiles' share of <see cref="DecodedMemoryBudget"/> (null without media).</summary>
    public DecodedMemoryBudget.Reservation? MediaReservation { get; init; }

    public void Dispose() => MediaReservation?.Dispose();
}
