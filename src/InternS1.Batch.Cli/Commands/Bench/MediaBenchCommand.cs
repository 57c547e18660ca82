using System.CommandLine;
using System.Text.Json;
using InternS1.Batch.Benchmarks.Media;
using InternS1.Batch.Cli.EmbeddedModel;

namespace InternS1.Batch.Cli.Commands.Bench;

/// <summary>
/// <c>interns1 bench media</c>: images/s through preprocessing (baseline: decode alone), video frames/s
/// through sampling + decoding (baseline: a plain ffmpeg decode), and tiles/s through the vision tower
/// of a model (default: the embedded tiny model) in bfloat16 and float32, all in the same run.
/// </summary>
public static class MediaBenchCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model folder for the vision-tower part (default: the embedded tiny model)" };
        var tiles = new Option<int>("--tiles") { Description = "Tiles per vision-tower pass", DefaultValueFactory = _ => 8 };
        var repeats = new Option<int>("--repeats") { Description = "Vision passes per dtype (the fastest counts)", DefaultValueFactory = _ => 3 };
        var json = new Option<string?>("--json") { Description = "Also write the numbers to this JSON file" };
        var command = new Command("media", "Media throughput: preprocessing, video decoding, vision tower (ratios against same-run baselines)")
        {
            model, tiles, repeats, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var media = await MediaBenchmark.RunAsync(cancellationToken: ct);
            Console.WriteLine(media);

            var dir = parse.GetValue(model) ?? await EmbeddedModelStore.EnsureAsync(Console.Error.WriteLine, ct);
            var n = parse.GetValue(tiles);
            var rates = VisionTowerBenchmark.Measure(dir, n, parse.GetValue(repeats));
            Console.WriteLine($"vision {Path.GetFileName(dir)}, {n} tiles per pass: bfloat16 {rates["bfloat16"]:0.0} tiles/s, float32 {rates["float32"]:0.0} tiles/s (bf16/fp32 = {rates["bfloat16"] / rates["float32"]:0.00})");

            if (parse.GetValue(json) is { } file)
            {
                var result = new
                {
                    images_per_second = media.ImagesPerSecond,
                    decode_only_images_per_second = media.DecodeOnlyImagesPerSecond,
                    preprocess_vs_decode = media.ImagesPerSecond / media.DecodeOnlyImagesPerSecond,
                    video_sampled_frames_per_second = media.VideoFramesPerSecond,
                    video_stream_frames_per_second = media.VideoStreamFramesPerSecond,
                    ffmpeg_null_decode_frames_per_second = media.FfmpegNullDecodeFramesPerSecond,
                    vision_tiles_per_second_bf16 = rates["bfloat16"],
                    vision_tiles_per_second_fp32 = rates["float32"],
                    vision_model = dir,
                };
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }), ct);
            }
            return 0;
        });
        return command;
    }
}
