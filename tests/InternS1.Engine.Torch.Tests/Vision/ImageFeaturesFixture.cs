using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>Two random 448 tiles, an S1-like tiny checkpoint, and the naive float64 features for them
/// (computed once: the naive tower is the slow part of these tests).</summary>
public sealed class ImageFeaturesFixture : IDisposable
{
    public const int Tiles = 2;

    public ImageFeaturesFixture()
    {
        Vision = VisionTestCheckpoint.Vision(s1Like: true);
        Config = VisionTestCheckpoint.Full(Vision);
        Weights = VisionTestCheckpoint.RandomWeights(Vision, seed: 31);
        var size = Vision.ImageSize[0];
        Pixels = VisionTestCheckpoint.Normal(new Random(6), Tiles * 3 * size * size);
        var naive = new NaiveVision(Weights, Vision);
        var per = 3 * size * size;
        Expected = Enumerable.Range(0, Tiles)
            .SelectMany(t => naive.ImageFeatures(Pixels.Skip(t * per).Take(per).Select(v => (double)v).ToArray(),
                VisionTestCheckpoint.TextHidden))
            .ToArray();
    }

    public VisionConfig Vision { get; }
    public InternS1Config Config { get; }
    internal Dictionary<string, Tensor> Weights { get; }
    public float[] Pixels { get; }

    /// <summary>[Tiles, 256, TextHidden] flattened.</summary>
    public double[] Expected { get; }

    public void Dispose() => VisionTestCheckpoint.DisposeAll(Weights);
}
