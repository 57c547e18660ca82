using InternS1.Batch.Remote.Requests;

namespace InternS1.Batch.Remote.Execution;

/// <summary>A job turned into a remote chat request (media fetched, checked and inlined as <c>data:</c> URLs), with
/// the accounting that stays ours: the media placeholder tokens of our own preprocessing and the seed sent.</summary>
public sealed record PreparedRemoteJob
{
    public required RemoteChatRequest Request { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens of the images, by our preprocessing (tiles x tokens per tile).</summary>
    public int ImageTokens { get; init; }

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens of the videos, by our preprocessing (frames x tokens per frame).</summary>
    public int VideoTokens { get; init; }

    /// <summary>The seed sent: the job's, or one drawn for it (stored with the result either way).</summary>
    public required long Seed { get; init; }
}
