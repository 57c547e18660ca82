using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Prompts;
using InternS1.Media.Video;

namespace InternS1.Media.Tests;

public class PromptExpanderTests
{
    private const string Ctx = "<IMG_CONTEXT>";
    private static readonly PromptExpander Expander = new();

    private static ProcessedImage Image(int tiles, string hash = "h") => new()
    {
        Width = 10,
        Height = 10,
        Grid = tiles == 1 ? new TileGrid(1, 1) : new TileGrid(tiles - 1, 1),
        HasThumbnail = tiles > 1,
        TileSize = 448,
        TokensPerTile = 256,
        PixelValues = new float[tiles * 3 * 448 * 448],
        ContentHash = hash,
    };

    private static ProcessedVideo Video(int frames) => new()
    {
        Probe = new VideoProbe { Duration = TimeSpan.FromSeconds(frames), FrameCount = frames, FrameCountEstimated = false, FrameRate = 1, Width = 8, Height = 8, Codec = "test" },
        SampledIndices = Enumerable.Range(0, frames).ToArray(),
        Frames = Enumerable.Range(0, frames).Select(i => new ProcessedVideoFrame
        {
            FrameIndex = i, TimestampSeconds = i, PixelValues = new float[3 * 448 * 448], ContentHash = $"f{i}",
        }).ToArray(),
        FrameSize = 448,
        TokensPerFrame = 256,
    };

    private static string Repeat(int n) => string.Concat(Enumerable.Repeat(Ctx, n));

    [Fact]
    public void Image_placeholder_becomes_img_context_tokens_per_tile()
    {
        var expanded = Expander.Expand("A<IMG_CONTEXT>\nB", [Image(3)]);
        Assert.Equal("A<img>" + Repeat(768) + "</img>\nB", expanded.Text);
        var run = Assert.Single(expanded.Runs);
        Assert.Equal(MediaRunKind.Image, run.Kind);
        Assert.Equal(768, run.ContextTokens);
        Assert.Equal(3, run.NumTiles);
        Assert.Equal("A<img>".Length, run.CharOffset);
        Assert.Equal(768 * Ctx.Length, run.CharLength);
        Assert.Equal(768, expanded.ImageTokens);
        Assert.Equal(0, expanded.VideoTokens);
    }

    [Fact]
    public void Mixed_parts_expand_in_order_and_runs_point_at_their_text()
    {
        var expanded = Expander.Expand("<|im_start|>user\n<IMG_CONTEXT>\n<video>\n<IMG_CONTEXT>\nCompare.<|im_end|>\n", [Image(1, "a"), Video(2), Image(5, "b")]);
        var expected = "<|im_start|>user\n"
                       + "<img>" + Repeat(256) + "</img>\n"
                       + "Frame1: <img>" + Repeat(256) + "</img>\nFrame2: <img>" + Repeat(256) + "</img>\n"
                       + "<img>" + Repeat(1280) + "</img>\n"
                       + "Compare.<|im_end|>\n";
        Assert.Equal(expected, expanded.Text);
        Assert.Equal([MediaRunKind.Image, MediaRunKind.VideoFrame, MediaRunKind.VideoFrame, MediaRunKind.Image], expanded.Runs.Select(r => r.Kind));
        Assert.Equal([0, 1, 1, 2], expanded.Runs.Select(r => r.MediaIndex));
        Assert.Equal(["a", "f0", "f1", "b"], expanded.Runs.Select(r => r.ContentHash));
        foreach (var run in expanded.Runs)
        {
            Assert.Equal(Repeat(run.ContextTokens), expanded.Text.Substring(run.CharOffset, run.CharLength));
            Assert.EndsWith("<img>", expanded.Text[..run.CharOffset]);
        }
        Assert.Equal(256 + 1280, expanded.ImageTokens);
        Assert.Equal(512, expanded.VideoTokens);
        Assert.Equal(2048, expanded.ContextTokens);
    }

    [Fact]
    public void Placeholder_count_or_kind_mismatch_is_a_clear_error()
    {
        Assert.Contains("1 media placeholders but there are 2 media parts",
            Assert.Throws<PlaceholderMismatchException>(() => Expander.Expand("x<IMG_CONTEXT>", [Image(1), Image(1)])).Message);
        Assert.Contains("more media placeholders than the 1 media parts",
            Assert.Throws<PlaceholderMismatchException>(() => Expander.Expand("<IMG_CONTEXT><video>", [Image(1)])).Message);
        Assert.Contains("media placeholder 0 is <video> but media part 0 is an image",
            Assert.Throws<PlaceholderMismatchException>(() => Expander.Expand("<video>", [Image(1)])).Message);
        Assert.Equal("no media", Expander.Expand("no media", []).Text);
    }

    [Fact]
    public void A_placeholder_finder_skips_the_same_words_typed_in_content_and_reports_each_replacement()
    {
        // The template wrote the placeholder at 29; the first <video> and <IMG_CONTEXT> (at 3 and 14) are a user's words.
        const string rendered = "Is <video> or <IMG_CONTEXT> X<IMG_CONTEXT>\n";
        var template = new[] { 29 };
        int Find(string token, int from)
        {
            for (var at = rendered.IndexOf(token, from, StringComparison.Ordinal); at >= 0; at = rendered.IndexOf(token, at + 1, StringComparison.Ordinal))
                if (template.Contains(at)) return at;
            return -1;
        }

        var expanded = Expander.Expand(rendered, [Image(1)], Find);

        var expansion = "<img>" + string.Concat(Enumerable.Repeat(Ctx, 256)) + "</img>";
        Assert.Equal("Is <video> or <IMG_CONTEXT> X" + expansion + "\n", expanded.Text);
        Assert.Equal([(29, Ctx.Length, expansion)], expanded.Replacements);
        Assert.Equal(29 + "<img>".Length, Assert.Single(expanded.Runs).CharOffset);
        // Without the finder every occurrence counts: the user's words become placeholders and the counts disagree.
        Assert.Throws<PlaceholderMismatchException>(() => Expander.Expand(rendered, [Image(1)]));
    }

    [Fact]
    public void Runs_are_located_in_token_ids_by_counting_context_ids()
    {
        const int C = 152957;
        var expanded = Expander.Expand("<IMG_CONTEXT><video>", [Image(1), Video(2)]);
        // a hand-built tokenization: 7 text ids, image run, 3 ids, frame run, 4 ids, frame run, 1 id
        var ids = new List<int>();
        ids.AddRange(Enumerable.Repeat(1, 7)); ids.AddRange(Enumerable.Repeat(C, 256));
        ids.AddRange(Enumerable.Repeat(2, 3)); ids.AddRange(Enumerable.Repeat(C, 256));
        ids.AddRange(Enumerable.Repeat(3, 4)); ids.AddRange(Enumerable.Repeat(C, 256));
        ids.Add(4);
        Assert.Equal(new[] { 7, 7 + 256 + 3, 7 + 256 + 3 + 256 + 4 }, expanded.LocateRuns(ids.ToArray(), C));

        var tooFew = ids.ToArray()[..^10];
        Assert.Throws<PlaceholderMismatchException>(() => expanded.LocateRuns(tooFew, C));
        var extra = ids.Append(C).ToArray();
        Assert.Throws<PlaceholderMismatchException>(() => expanded.LocateRuns(extra, C));
        var broken = ids.ToArray();
        broken[7 + 100] = 5; // a hole inside the image run
        Assert.Throws<PlaceholderMismatchException>(() => expanded.LocateRuns(broken, C));
    }

    [Fact]
    public void Compact_form_counts_context_tokens()
    {
        var expanded = Expander.Expand("<video>", [Video(2)]);
        Assert.Equal("Frame1: <img>[<IMG_CONTEXT> x 256]</img>\nFrame2: <img>[<IMG_CONTEXT> x 256]</img>", Expander.Compact(expanded.Text));
    }
}
