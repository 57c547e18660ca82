using System.Text.Json;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// The output of <c>interns1 model vision-features</c>: image features (<see cref="InternS1Model.GetImageFeatures"/>)
/// as <c>{"shape":[tiles, tokens, hidden],"data":[...]}</c>, float32, row-major, for comparison with
/// independent implementations. Load the tower and projector in float32 for that comparison.
/// </summary>
public static class ImageFeaturesJson
{
    private const int FlushBytes = 1 << 16;

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
