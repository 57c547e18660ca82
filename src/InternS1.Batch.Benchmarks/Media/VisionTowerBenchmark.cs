using System.Diagnostics;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Batch.Benchmarks.Media;

/// <summary>Tiles/s through the vision tower and projector of a model folder, in bfloat16 and in float32,
/// in the same run (<c>interns1 bench media</c>). Pixels are seeded noise in the normalised range.</summary>
public static class VisionTowerBenchmark
{
    private const int TilePixels = 3 * 448 * 448;

    /// <summary>Tiles per second by dtype name (<c>bfloat16</c>, <c>float32</c>): the fastest of
    /// <paramref name="repeats"/> passes of <paramref name="tiles"/> tiles each, after a one-tile warm-up.</summary>
    public static IReadOnlyDictionary<string, double> Measure(string modelDirectory, int tiles, int repeats)
    {
        var pixels = new float[tiles * TilePixels];
        var random = new Random(1);
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (float)(random.NextDouble() * 4 - 2);
        var rates = new Dictionary<string, double>();
        foreach (var (name, dtype) in new[] { ("bfloat16", ScalarType.BFloat16), ("float32", ScalarType.Float32) })
        {
            var config = InternS1Config.Load(modelDirectory);
            using var vision = new InternS1ForConditionalGeneration(config, dtype, parts: InternS1Parts.Vision);
            WeightLoader.Load(vision, modelDirectory, WeightLoadOptions.For(config, vision.UnbuiltPrefixes));
            using (var one = tensor(pixels.AsSpan(0, TilePixels).ToArray(), [1, 3, 448, 448]))
            using (var warm = vision.model.GetImageFeatures(one)) { }
            using var all = tensor(pixels, [tiles, 3, 448, 448]);
            var best = double.MaxValue;
            for (var r = 0; r < Math.Max(1, repeats); r++)
            {
                var sw = Stopwatch.StartNew();
                using (var features = vision.model.GetImageFeatures(all)) { }
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            rates[name] = tiles / best;
        }
        return rates;
    }
}
