using System.CommandLine;
using System.Globalization;
using InternS1.Batch.Worker.Preparation;
using InternS1.Media;
using InternS1.Media.Config;
using InternS1.Media.Images;
using InternS1.Media.Prompts;
using InternS1.Media.Video;

namespace InternS1.Batch.Cli.Commands.Model;

/// <summary>
/// <c>interns1 model preprocess --model DIR --image PATH | --video PATH [--frames N] [--verbatim]</c>: runs the
/// media preprocessing of the model folder's processor configs on one local file and prints the tile grid, the
/// number of tiles and image/video tokens, and the text the media part of a one-part user message expands to
/// (runs of <c>&lt;IMG_CONTEXT&gt;</c> shown with a count unless <c>--verbatim</c>).
/// </summary>
public static class PreprocessCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Model folder (reads preprocessor_config.json, video_preprocessor_config.json, processor_config.json / config.json; defaults when absent)", Required = true };
        var image = new Option<FileInfo?>("--image") { Description = "Image file (PNG, JPEG, WebP, GIF first frame, BMP)" };
        var video = new Option<FileInfo?>("--video") { Description = "Video file (anything ffmpeg reads)" };
        var frames = new Option<int?>("--frames") { Description = "Video frames to sample (default: the model's num_frames, else 32)" };
        var verbatim = new Option<bool>("--verbatim") { Description = "Print the expanded placeholder text verbatim (every <IMG_CONTEXT>)" };

        var command = new Command("preprocess", "Show how an image or video is tiled and expanded into prompt placeholders");
        command.Options.Add(model);
        command.Options.Add(image);
        command.Options.Add(video);
        command.Options.Add(frames);
        command.Options.Add(verbatim);
        command.Validators.Add(result =>
        {
            var given = (result.GetResult(image) is null ? 0 : 1) + (result.GetResult(video) is null ? 0 : 1);
            if (given != 1) result.AddError("give exactly one of --image PATH or --video PATH");
            if (result.GetResult(frames) is not null && result.GetResult(video) is null) result.AddError("--frames applies to --video only");
            if (result.GetValue(frames) is < 1) result.AddError("--frames must be at least 1");
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var config = MediaPreprocessingConfig.Load(parse.GetValue(model)!.FullName);
                var expander = new PromptExpander();
                var options = new MediaOptions();
                var show = parse.GetValue(verbatim) ? (Func<string, string>)(t => t) : expander.Compact;
                if (parse.GetValue(image) is { } imageFile)
                    PrintImage(imageFile, config, options, expander, show);
                else
                    await PrintVideoAsync(parse.GetValue(video)!, parse.GetValue(frames), config, options, expander, show, cancellationToken);
                return 0;
            }
            catch (MediaException e)
            {
                Console.Error.WriteLine($"error ({MediaFailureReasons.For(e)}): {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void PrintImage(FileInfo file, MediaPreprocessingConfig config, MediaOptions options, PromptExpander expander, Func<string, string> show)
    {
        var bytes = File.ReadAllBytes(file.FullName);
        ProcessedImage result;
        try
        {
            result = new ImagePreprocessor(config.Image, config.TokensPerTile).Process(bytes, options.MaxImagePixels);
        }
        catch (MediaException e)
        {
            throw e.WithPart($"image {file.FullName}");
        }
        var c = config.Image;
        Console.WriteLine($"image:        {file.FullName} ({bytes.Length} bytes), {result.Width}x{result.Height} after EXIF orientation");
        Console.WriteLine($"settings:     tile {c.TileSize}, tiles {c.MinTiles}..{c.MaxTiles}, mean [{Join(c.ImageMean)}], std [{Join(c.ImageStd)}], {config.TokensPerTile} tokens per tile");
        Console.WriteLine($"tile grid:    {result.Grid.Columns} columns x {result.Grid.Rows} rows (canvas {c.TileSize * result.Grid.Columns}x{c.TileSize * result.Grid.Rows})" +
                          (result.HasThumbnail ? " + thumbnail" : ""));
        Console.WriteLine($"tiles:        {result.NumTiles}");
        Console.WriteLine($"image tokens: {result.ContextTokens} (<IMG_CONTEXT>; <img> and </img> are 2 more prompt tokens)");
        Console.WriteLine($"pixels:       float32 [{result.NumTiles}, 3, {result.TileSize}, {result.TileSize}]");
        Console.WriteLine($"content hash: {result.ContentHash}");
        Console.WriteLine("expanded text of the image part (replaces its <IMG_CONTEXT> placeholder):");
        Console.WriteLine(show(expander.Expand(PromptExpander.DefaultContextToken, [result]).Text));
    }

    private static async Task PrintVideoAsync(FileInfo file, int? frames, MediaPreprocessingConfig config, MediaOptions options,
        PromptExpander expander, Func<string, string> show, CancellationToken cancellationToken)
    {
        if (!file.Exists) throw new FileNotFoundException($"video {file.FullName} does not exist");
        ProcessedVideo result;
        try
        {
            result = await new VideoPreprocessor(config.Video, config.TokensPerTile, options).ProcessAsync(file.FullName, frames, cancellationToken);
        }
        catch (MediaException e)
        {
            throw e.WithPart($"video {file.FullName}");
        }
        var p = result.Probe;
        Console.WriteLine($"video:        {file.FullName}, {p.Codec} {p.Width}x{p.Height}, {p.Duration.TotalSeconds:0.###} s, " +
                          $"{p.FrameCount} frames{(p.FrameCountEstimated ? " (estimated from duration x fps)" : "")}, {p.FrameRate:0.###} fps");
        Console.WriteLine($"sampling:     {result.SampledIndices.Count} frames, middle of equal segments (HF initial_shift rule)");
        Console.WriteLine($"frames:       {string.Join(", ", result.Frames.Select(f => $"#{f.FrameIndex}@{f.TimestampSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"))}");
        Console.WriteLine($"tile grid:    1x1 per frame ({result.FrameSize}x{result.FrameSize}, no thumbnail)");
        Console.WriteLine($"tiles:        {result.Frames.Count}");
        Console.WriteLine($"video tokens: {result.ContextTokens} (<IMG_CONTEXT>; {result.TokensPerFrame} per frame)");
        Console.WriteLine($"pixels:       float32 [{result.Frames.Count}, 3, {result.FrameSize}, {result.FrameSize}]");
        Console.WriteLine("expanded text of the video part (replaces its <video> placeholder):");
        Console.WriteLine(show(expander.Expand(PromptExpander.DefaultVideoToken, [result]).Text));
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
}
