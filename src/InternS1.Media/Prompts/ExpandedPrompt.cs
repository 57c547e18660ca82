namespace InternS1.Media.Prompts;

/// <summary>A prompt with every media placeholder expanded, its media runs in order, and token counts.</summary>
public sealed record ExpandedPrompt
{
    /// <summary>The prompt text to tokenize.</summary>
    public required string Text { get; init; }

    /// <summary>Runs of <c>&lt;IMG_CONTEXT&gt;</c> in text order: one per image, one per video frame.</summary>
    public required IReadOnlyList<MediaRun> Runs { get; init; }

    /// <summary>Each placeholder of the rendered prompt (start and length there) and the text that replaced it, in
    /// order: applying them to the rendered prompt gives <see cref="Text"/>.</summary>
    public IReadOnlyList<(int Start, int Length, string Replacement)> Replacements { get; init; } = [];

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens from images (<c>token_usage.image_tokens</c>).</summary>
    public int ImageTokens => Runs.Where(r => r.Kind == MediaRunKind.Image).Sum(r => r.ContextTokens);

    /// <summary><c>&lt;IMG_CONTEXT&gt;</c> tokens from video frames (<c>token_usage.video_tokens</c>).
    /// NOTE: <c>&lt;img&gt;</c>, <c>&lt;/img&gt;</c> and the <c>FrameN: </c> labels are ordinary prompt tokens.</summary>
    public int VideoTokens => Runs.Where(r => r.Kind == MediaRunKind.VideoFrame).Sum(r => r.ContextTokens);

    /// <summary>All <c>&lt;IMG_CONTEXT&gt;</c> tokens.</summary>
    public int ContextTokens => Runs.Sum(r => r.ContextTokens);

    /// <summary>
    /// Token position of the first placeholder of each run, given the tokenized <see cref="Text"/>: the
    /// <paramref name="contextTokenId"/> ids (152957 for Intern-S1) are taken in order, each run must be one
    /// contiguous block of exactly its <see cref="MediaRun.ContextTokens"/> ids, and no id may be left over.
    /// </summary>
    public int[] LocateRuns(ReadOnlySpan<int> tokenIds, int contextTokenId)
    {
        var offsets = new int[Runs.Count];
        var position = 0;
        for (var r = 0; r < Runs.Count; r++)
        {
            var found = tokenIds[position..].IndexOf(contextTokenId);
            if (found < 0)
                throw new PlaceholderMismatchException($"run {r} ({Runs[r].Kind}, media {Runs[r].MediaIndex}): no <IMG_CONTEXT> id {contextTokenId} left in the {tokenIds.Length} prompt tokens");
            var start = position + found;
            var length = Runs[r].ContextTokens;
            if (start + length > tokenIds.Length || tokenIds.Slice(start, length).IndexOfAnyExcept(contextTokenId) >= 0)
                throw new PlaceholderMismatchException($"run {r} ({Runs[r].Kind}, media {Runs[r].MediaIndex}): expected {length} consecutive <IMG_CONTEXT> ids from token {start}");
            if (start + length < tokenIds.Length && tokenIds[start + length] == contextTokenId)
                throw new PlaceholderMismatchException($"run {r} ({Runs[r].Kind}, media {Runs[r].MediaIndex}): more than {length} consecutive <IMG_CONTEXT> ids from token {start}");
            offsets[r] = start;
            position = start + length;
        }
        if (tokenIds[position..].IndexOf(contextTokenId) >= 0)
            throw new PlaceholderMismatchException($"the prompt has more <IMG_CONTEXT> ids than the {ContextTokens} of its {Runs.Count} media runs (a literal placeholder in the text?)");
        return offsets;
    }
}
