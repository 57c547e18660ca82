namespace InternS1.Media.Prompts;

/// <summary>What a run of <c>&lt;IMG_CONTEXT&gt;</c> tokens belongs to (token accounting: image vs video tokens).</summary>
public enum MediaRunKind
{
    /// <summary>All tiles of one image (thumbnail last).</summary>
    Image,

    /// <summary>One frame of a video (one tile).</summary>
    VideoFrame,
}
