using System.Text;

namespace InternS1.Media.Prompts;

/// <summary>
/// Expands the media placeholders of a rendered chat prompt into the exact text of the reference processor
/// (HF <c>InternS1Processor._insert_media_placeholders</c>, vLLM <c>get_replacement_interns1_*</c>):
/// an image placeholder <c>&lt;IMG_CONTEXT&gt;</c> becomes <c>&lt;img&gt;</c> + <c>&lt;IMG_CONTEXT&gt;</c> x
/// (tokens per tile x tiles) + <c>&lt;/img&gt;</c>; a video placeholder <c>&lt;video&gt;</c> becomes
/// <c>"\n".join("Frame{i+1}: &lt;img&gt;" + &lt;IMG_CONTEXT&gt; x tokens per tile + "&lt;/img&gt;")</c>.
/// The rendered prompt holds one placeholder per media part, in part order; text around them is kept as is.
/// </summary>
public sealed class PromptExpander
{
    /// <summary>Intern-S1's <c>context_image_token</c>.</summary>
    public const string DefaultContextToken = "<IMG_CONTEXT>";

    /// <summary>Intern-S1's <c>video_token</c>.</summary>
    public const string DefaultVideoToken = "<video>";

    public const string DefaultStartImageToken = "<img>";
    public const string DefaultEndImageToken = "</img>";

    public PromptExpander(
        string contextToken = DefaultContextToken, string videoToken = DefaultVideoToken,
        string startImageToken = DefaultStartImageToken, string endImageToken = DefaultEndImageToken)
    {
        ContextToken = contextToken;
        VideoToken = videoToken;
        StartImageToken = startImageToken;
        EndImageToken = endImageToken;
    }

    /// <summary>Image placeholder in the rendered prompt, and the context token repeated in the expansion.</summary>
    public string ContextToken { get; }

    /// <summary>Video placeholder in the rendered prompt.</summary>
    public string VideoToken { get; }

    public string StartImageToken { get; }
    public string EndImageToken { get; }

    /// <summary>
    /// Expands <paramref name="renderedPrompt"/>. The i-th placeholder (image or video, in text order) must match the
    /// kind of <paramref name="media"/>[i]; otherwise <see cref="PlaceholderMismatchException"/>.
    /// <paramref name="findPlaceholder"/> (text, start) -> index finds the placeholders; by default every occurrence.
    /// A caller that knows which characters the chat template wrote passes a finder that skips the same words typed in
    /// message content (<c>SegmentedText.IndexOfTemplate</c>), so a literal <c>&lt;video&gt;</c> in a question stays text.
    /// </summary>
    public ExpandedPrompt Expand(string renderedPrompt, IReadOnlyList<PromptMedia> media, Func<string, int, int>? findPlaceholder = null)
    {
        var find = findPlaceholder ?? ((token, from) => renderedPrompt.IndexOf(token, from, StringComparison.Ordinal));
        var text = new StringBuilder(renderedPrompt.Length + media.Count * 64);
        var runs = new List<MediaRun>();
        var replacements = new List<(int Start, int Length, string Replacement)>(media.Count);
        var cursor = 0;
        var index = 0;
        while (true)
        {
            var (at, isImage) = NextPlaceholder(find, cursor);
            if (at < 0) break;
            if (index >= media.Count)
                throw new PlaceholderMismatchException(
                    $"the prompt has more media placeholders than the {media.Count} media parts ({Count(find)} placeholders: {ContextToken} per image, {VideoToken} per video)");
            var item = media[index];
            if (item.IsImage != isImage)
                throw new PlaceholderMismatchException(
                    $"media placeholder {index} is {(isImage ? ContextToken : VideoToken)} but media part {index} is {(item.IsImage ? "an image" : "a video")}");
            text.Append(renderedPrompt, cursor, at - cursor);
            var expansionStart = text.Length;
            if (isImage) AppendImage(text, item.Image!, index, runs);
            else AppendVideo(text, item.Video!, index, runs);
            var length = isImage ? ContextToken.Length : VideoToken.Length;
            replacements.Add((at, length, text.ToString(expansionStart, text.Length - expansionStart)));
            cursor = at + length;
            index++;
        }
        if (index < media.Count)
            throw new PlaceholderMismatchException($"the prompt has {index} media placeholders but there are {media.Count} media parts");
        text.Append(renderedPrompt, cursor, renderedPrompt.Length - cursor);
        return new ExpandedPrompt { Text = text.ToString(), Runs = runs, Replacements = replacements };
    }

    /// <summary>The expansion of one image placeholder.</summary>
    public string ImageText(int contextTokens) => StartImageToken + Repeat(contextTokens) + EndImageToken;

    /// <summary>
    /// <paramref name="text"/> with every run of consecutive context tokens written as <c>[&lt;IMG_CONTEXT&gt; x N]</c>
    /// (for display; not tokenizable).
    /// </summary>
    public string Compact(string text)
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var at = text.IndexOf(ContextToken, i, StringComparison.Ordinal);
            if (at < 0) { sb.Append(text, i, text.Length - i); break; }
            sb.Append(text, i, at - i);
            var n = 0;
            while (string.CompareOrdinal(text, at + n * ContextToken.Length, ContextToken, 0, ContextToken.Length) == 0) n++;
            sb.Append('[').Append(ContextToken).Append(" x ").Append(n).Append(']');
            i = at + n * ContextToken.Length;
        }
        return sb.ToString();
    }

    private void AppendImage(StringBuilder text, Images.ProcessedImage image, int index, List<MediaRun> runs)
    {
        text.Append(StartImageToken);
        var tokens = image.ContextTokens;
        runs.Add(new MediaRun
        {
            Kind = MediaRunKind.Image,
            MediaIndex = index,
            CharOffset = text.Length,
            CharLength = tokens * ContextToken.Length,
            ContextTokens = tokens,
            NumTiles = image.NumTiles,
            TileSize = image.TileSize,
            PixelValues = image.PixelValues,
            ContentHash = image.ContentHash,
        });
        text.Append(Repeat(tokens)).Append(EndImageToken);
    }

    private void AppendVideo(StringBuilder text, Video.ProcessedVideo video, int index, List<MediaRun> runs)
    {
        var tokens = video.TokensPerFrame;
        for (var f = 0; f < video.Frames.Count; f++)
        {
            if (f > 0) text.Append('\n');
            text.Append("Frame").Append(f + 1).Append(": ").Append(StartImageToken);
            var frame = video.Frames[f];
            runs.Add(new MediaRun
            {
                Kind = MediaRunKind.VideoFrame,
                MediaIndex = index,
                FrameNumber = f,
                TimestampSeconds = frame.TimestampSeconds,
                CharOffset = text.Length,
                CharLength = tokens * ContextToken.Length,
                ContextTokens = tokens,
                NumTiles = 1,
                TileSize = video.FrameSize,
                PixelValues = frame.PixelValues,
                ContentHash = frame.ContentHash,
            });
            text.Append(Repeat(tokens)).Append(EndImageToken);
        }
    }

    private string Repeat(int n) => new StringBuilder(ContextToken.Length * n).Insert(0, ContextToken, n).ToString();

    private (int At, bool IsImage) NextPlaceholder(Func<string, int, int> find, int from)
    {
        var image = find(ContextToken, from);
        var video = find(VideoToken, from);
        if (image < 0 && video < 0) return (-1, false);
        if (video < 0 || (image >= 0 && image < video)) return (image, true);
        return (video, false);
    }

    private int Count(Func<string, int, int> find)
    {
        var n = 0;
        for (var (at, isImage) = NextPlaceholder(find, 0); at >= 0; (at, isImage) = NextPlaceholder(find, at + (isImage ? ContextToken.Length : VideoToken.Length))) n++;
        return n;
    }
}
