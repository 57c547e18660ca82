using InternS1.Batch.Contracts.Failures;
using InternS1.Media;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// The one place where a media failure (<see cref="MediaErrorKind"/>, from <c>InternS1.Media</c>, which may not
/// reference the contracts) becomes a dead-letter reason code of <see cref="FailureReasons"/>. Every kind has its
/// own code; a test checks that the mapping is total and that no two kinds share a code.
/// </summary>
public static class MediaFailureReasons
{
    /// <summary>The reason code of <paramref name="kind"/>.</summary>
    public static string For(MediaErrorKind kind) => kind switch
    {
        MediaErrorKind.Unreadable => FailureReasons.MediaUnreadable,
        MediaErrorKind.TooLarge => FailureReasons.MediaTooLarge,
        MediaErrorKind.Forbidden => FailureReasons.MediaForbidden,
        MediaErrorKind.Timeout => FailureReasons.MediaTimeout,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a media failure kind without a reason code"),
    };

    /// <summary>The reason code of <paramref name="exception"/>.</summary>
    public static string For(MediaException exception) => For(exception.Kind);
}
