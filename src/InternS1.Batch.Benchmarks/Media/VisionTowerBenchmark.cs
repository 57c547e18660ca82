using System.Diagnostics;
using InternS1.Engine.Torch.Modeling.Vision;
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
            using var vision = InternS1VisionFeatureModel.Load(modelDirectory, dtype);
            using (var warm = vision.GetImageFeatures(pixels.AsMemory(0, TilePixels), 1)) { }
            var best = double.MaxValue;
            for (var r = 0; r < Math.Max(1, repeats); r++)
            {
                var sw = Stopwatch.StartNew();
                using (var features = vision.GetImageFeatures(pixels, tiles)) { }
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
            }
            rates[name] = tiles / best;
        }
        return rates;
    }
}
