using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using InternS1.Media.Config;
using InternS1.Media.Images;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>
/// A tiny Intern-S1 (MoE) checkpoint loaded with its vision tower in float32, a 600x300 image through the
/// real preprocessing (2x1 grid + thumbnail = 3 tiles), two random one-tile "video frames", and the naive
/// float64 features of every tile computed from the checkpoint files (read by the tests' own parser).
/// </summary>
public sealed class VisionRunnerFixture : IDisposable
{
    public const int TokensPerTile = 256;
    public const int ImageToken = 152957;

    private readonly Dictionary<string, Tensor> _weights;

    public VisionRunnerFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "interns1-vision-runner-" + Guid.NewGuid().ToString("N")[..8]);
        TinyCheckpointWriter.Write(Directory, new TinyCheckpointOptions { Seed = 21 });
        Runner = TorchModelRunner.Load(Directory, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });

        Image = new ImagePreprocessor(new ImagePreprocessorConfig(), TokensPerTile).Process(Gradient(600, 300));
        var random = new Random(5);
        Frames = [VisionTestCheckpoint.Normal(random, TileFloats), VisionTestCheckpoint.Normal(random, TileFloats)];

        // the tests' own view of the checkpoint: every vision/projector tensor parsed from the files
        _weights = TestSafetensors.ReadFolder(Directory)
            .Where(e => e.Key.StartsWith("model.vision_tower.") || e.Key.StartsWith("model.multi_modal_projector."))
            .ToDictionary(e => e.Key, e => tensor(e.Value.ToFloats(), e.Value.Shape));
        var naive = new NaiveVision(_weights, Runner.Config.VisionConfig!);
        var hidden = Runner.Config.TextConfig.HiddenSize;
        double[] Features(float[] pixels, int tiles) => Enumerable.Range(0, tiles)
            .SelectMany(t => naive.ImageFeatures(pixels.Skip(t * TileFloats).Take(TileFloats).Select(v => (double)v).ToArray(), hidden))
            .ToArray();
        ImageFeatures = Features(Image.PixelValues, Image.NumTiles);
        FrameFeatures = Frames.Select(f => Features(f, 1)).ToArray();
    }

    public const int TileFloats = 3 * 448 * 448;

    public string Directory { get; }
    public TorchModelRunner Runner { get; }
    public ProcessedImage Image { get; }
    public float[][] Frames { get; }

    /// <summary>Naive features of the image's tiles, [tiles x 256, hidden] flattened.</summary>
    public double[] ImageFeatures { get; }

    /// <summary>Naive features per frame, [256, hidden] flattened.</summary>
    public double[][] FrameFeatures { get; }

    public MultimodalInput ImageInput(int offset) => new()
    {
        Kind = MediaKind.Image, ContentHash = Image.ContentHash, Offset = offset, Length = Image.ContextTokens,
        NumTiles = Image.NumTiles, PixelValues = Image.PixelValues,
    };

    public MultimodalInput FrameInput(int frame, int offset) => new()
    {
        Kind = MediaKind.Video, ContentHash = $"frame{frame}", Offset = offset, Length = TokensPerTile, NumTiles = 1,
        PixelValues = Frames[frame],
    };

    /// <summary>A smooth colour gradient, so tiles and thumbnail differ.</summary>
    private static RgbImage Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var i = (y * width + x) * 3;
            pixels[i] = (byte)(255 * x / width);
            pixels[i + 1] = (byte)(255 * y / height);
            pixels[i + 2] = (byte)((x * 7 + y * 3) % 256);
        }
        return new RgbImage(width, height, pixels);
    }

    public void Dispose()
    {
        Runner.Dispose();
        VisionTestCheckpoint.DisposeAll(_weights);
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
