using System.Runtime.InteropServices;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

/// <summary>
/// Tiny Intern-S1 vision configs and random checkpoints whose tensor names and shapes are written
/// here from the checkpoint layout in shared/notes/intern-s1.md §4 (not taken from our modules).
/// </summary>
internal static class VisionTestCheckpoint
{
    public const int TextHidden = 48;

    /// <summary>S1-like (rms_norm + qk-norm, no qkv bias) or mini-like (layer_norm + qkv bias).</summary>
    public static VisionConfig Vision(bool s1Like, int imageSize = 448, int hidden = 32, int heads = 2, int layers = 2,
        int intermediate = 64) => new()
        {
            ModelType = "interns1_vision",
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            IntermediateSize = intermediate,
            ImageSize = [imageSize, imageSize],
            PatchSize = [14, 14],
            NormType = s1Like ? "rms_norm" : "layer_norm",
            UseQkNorm = s1Like,
            AttentionBias = !s1Like,
            LayerNormEps = 1e-6,
        };

    public static InternS1Config Full(VisionConfig vision) => new()
    {
        ModelType = "interns1",
        TextConfig = new TextConfig { VocabSize = 1000, HiddenSize = TextHidden, NumHiddenLayers = 1, NumAttentionHeads = 2 },
        VisionConfig = vision,
        ImageTokenId = 999,
        ImageSeqLength = vision.PatchesPerSide * vision.PatchesPerSide / 4,
        DownsampleRatio = 0.5,
    };

    /// <summary>Every vision tower and projector tensor of the checkpoint, per notes §4.</summary>
    public static List<(string Name, long[] Shape)> Spec(VisionConfig v, int textHidden = TextHidden)
    {
        long c = v.HiddenSize, i = v.IntermediateSize, grid = v.PatchesPerSide * v.PatchesPerSide;
        var t = "model.vision_tower.";
        var spec = new List<(string, long[])>
        {
            (t + "embeddings.cls_token", [1, 1, c]),
            (t + "embeddings.position_embeddings", [1, grid + 1, c]),
            (t + "embeddings.patch_embeddings.projection.weight", [c, 3, 14, 14]),
            (t + "embeddings.patch_embeddings.projection.bias", [c]),
        };
        for (var l = 0; l < v.NumHiddenLayers; l++)
        {
            var p = $"{t}encoder.layer.{l}.";
            foreach (var norm in new[] { "layernorm_before", "layernorm_after" })
            {
                spec.Add(($"{p}{norm}.weight", [c]));
                if (!v.UsesRmsNorm) spec.Add(($"{p}{norm}.bias", [c]));
            }
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
            {
                spec.Add(($"{p}attention.{proj}.weight", [c, c]));
                if (v.AttentionBias) spec.Add(($"{p}attention.{proj}.bias", [c]));
            }
            if (v.UseQkNorm)
            {
                spec.Add(($"{p}attention.q_norm.weight", [c]));
                spec.Add(($"{p}attention.k_norm.weight", [c]));
            }
            spec.Add(($"{p}attention.projection_layer.weight", [c, c]));
            spec.Add(($"{p}attention.projection_layer.bias", [c]));
            spec.Add(($"{p}lambda_1", [c]));
            spec.Add(($"{p}lambda_2", [c]));
            spec.Add(($"{p}mlp.fc1.weight", [i, c]));
            spec.Add(($"{p}mlp.fc1.bias", [i]));
            spec.Add(($"{p}mlp.fc2.weight", [c, i]));
            spec.Add(($"{p}mlp.fc2.bias", [c]));
        }
        var m = "model.multi_modal_projector.";
        spec.Add((m + "layer_norm.weight", [4 * c]));
        spec.Add((m + "layer_norm.bias", [4 * c]));
        spec.Add((m + "linear_1.weight", [textHidden, 4 * c]));
        spec.Add((m + "linear_1.bias", [textHidden]));
        spec.Add((m + "linear_2.weight", [textHidden, textHidden]));
        spec.Add((m + "linear_2.bias", [textHidden]));
        return spec;
    }

    /// <summary>Random float32 tensors for <see cref="Spec"/>, scaled so activations stay O(1).</summary>
    public static Dictionary<string, Tensor> RandomWeights(VisionConfig v, int seed, int textHidden = TextHidden)
    {
        var random = new Random(seed);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, shape) in Spec(v, textHidden))
        {
            var count = (int)shape.Aggregate(1L, (a, b) => a * b);
            var leaf = name[(name.LastIndexOf('.') + 1)..];
            var isNormWeight = leaf == "weight" && (name.Contains("norm") || name.Contains("layer_norm"));
            double mean = 0, std;
            if (isNormWeight) (mean, std) = (1.0, 0.1);
            else if (leaf is "lambda_1" or "lambda_2") (mean, std) = (0.5, 0.2);
            else if (leaf == "bias") std = 0.1;
            else if (leaf == "weight") std = 1.0 / Math.Sqrt(shape.Skip(1).Aggregate(1L, (a, b) => a * b));
            else std = 0.5; // cls_token, position_embeddings
            weights[name] = tensor(Normal(random, count, mean, std), shape);
        }
        return weights;
    }

    /// <summary>Writes <paramref name="weights"/> as a float32 <c>model.safetensors</c> and loads the vision half of
    /// <paramref name="config"/> from it in <paramref name="dtype"/> through the product's one loader
    /// (<see cref="WeightLoader"/>), as <c>interns1 model vision-features</c> does.</summary>
    public static InternS1ForConditionalGeneration LoadVision(InternS1Config config, Dictionary<string, Tensor> weights, ScalarType dtype)
    {
        using var dir = new TempDir();
        SafetensorsWriter.WriteFile(dir.File("model.safetensors"), weights
            .Select(w => new SafetensorsEntry(w.Key, SafetensorsDtype.F32, w.Value.shape, Bytes(w.Value)))
            .ToList());
        var model = new InternS1ForConditionalGeneration(config, dtype, parts: InternS1Parts.Vision);
        try
        {
            WeightLoader.Load(model, dir.Path, WeightLoadOptions.For(config, model.UnbuiltPrefixes));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static Func<ReadOnlyMemory<byte>> Bytes(Tensor t)
    {
        var values = t.contiguous().data<float>().ToArray();
        return () => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    public static float[] Normal(Random random, int count, double mean = 0, double std = 1)
    {
        var values = new float[count];
        for (var k = 0; k < count; k++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[k] = (float)(mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return values;
    }

    public static void DisposeAll(Dictionary<string, Tensor> weights)
    {
        foreach (var t in weights.Values) t.Dispose();
    }
}
