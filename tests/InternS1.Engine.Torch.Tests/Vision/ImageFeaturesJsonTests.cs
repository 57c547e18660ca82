using System.Text.Json;
using InternS1.Engine.Torch.Modeling.Vision;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Vision;

public class ImageFeaturesJsonTests
{
    [Fact]
    public void Json_holds_the_shape_and_the_values_in_row_major_order_as_float32()
    {
        // [1, 2, 3] with value = 0.5·(row·3 + col), stored as bfloat16 (all exactly representable)
        using var features = arange(6, ScalarType.Float32).mul(0.5).reshape(1, 2, 3).to(ScalarType.BFloat16);
        using var output = new MemoryStream();

        ImageFeaturesJson.Write(output, features);

        Assert.Equal("{\"shape\":[1,2,3],\"data\":[0,0.5,1,1.5,2,2.5]}", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Float32_values_round_trip_exactly_through_the_json()
    {
        float[] values = [1.0f / 3, -2.5e-8f, 123456.79f, float.Epsilon];
        using var features = tensor(values, [1, 1, 4]);
        using var output = new MemoryStream();

        ImageFeaturesJson.Write(output, features);

        using var json = JsonDocument.Parse(output.ToArray());
        Assert.Equal(values, json.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray());
    }

    [Fact]
    public void A_non_finite_value_is_refused_with_its_index()
    {
        using var features = tensor(new float[] { 1, float.NaN, 2 }, [1, 1, 3]);

        var error = Assert.Throws<InvalidOperationException>(() => ImageFeaturesJson.Write(Stream.Null, features));

        Assert.Contains("flat index 1", error.Message);
    }
}
