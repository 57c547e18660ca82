using System.Text.Json;
using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// The output of <c>interns1 model vision-features</c>: the projector rows of one image as
/// <c>{"shape":[tiles, tokens, hidden],"data":[...]}</c>, float32, row-major, for comparison with
/// independent implementations. Load the tower and projector in float32 for that comparison.
/// </summary>
public static class VisionFeaturesJson
{
    private const int FlushBytes = 1 << 16;

    /// <summary>
    /// Runs <c>InternS1ImageFeatures.GetImageFeatures</c> on normalised tiles
    /// (<paramref name="pixelValues"/> = [numTiles, 3, S, S] float32, S = vision_config.image_size, as
    /// produced by the image preprocessor) and writes the JSON to <paramref name="output"/>.
    /// </summary>
    public static void Write(Stream output, InternS1VisionModel tower, InternS1MultiModalProjector projector,
        InternS1Config config, ReadOnlyMemory<float> pixelValues, int numTiles)
    {
        using var features = InternS1ImageFeatures.GetImageFeatures(tower, projector, pixelValues, numTiles, config);
        Write(output, features);
    }

    /// <summary>Writes any floating-point tensor as <c>{"shape":[..],"data":[..]}</c> in float32.
    /// NaN or infinity is refused (JSON cannot carry it) with the index of the first such value.</summary>
    public static void Write(Stream output, Tensor features)
    {
        float[] data;
        using (NewDisposeScope())
            data = features.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
        var bad = Array.FindIndex(data, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new InvalidOperationException($"vision features contain {data[bad]} at flat index {bad}: the model output is not finite");
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteStartArray("shape");
        foreach (var dim in features.shape) writer.WriteNumberValue(dim);
        writer.WriteEndArray();
        writer.WriteStartArray("data");
        foreach (var value in data)
        {
            writer.WriteNumberValue(value);
            if (writer.BytesPending > FlushBytes) writer.Flush();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }
}
