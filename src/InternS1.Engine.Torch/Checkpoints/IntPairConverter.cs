using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>Reads <c>448</c> or <c>[448, 448]</c> as a [height, width] pair; writes a pair.</summary>
public sealed class IntPairConverter : JsonConverter<IReadOnlyList<int>>
{
    public override IReadOnlyList<int> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var v = reader.GetInt32();
            return [v, v];
        }
        var list = JsonSerializer.Deserialize<List<int>>(ref reader, options) ?? throw new JsonException("expected a number or a pair");
        if (list.Count != 2) throw new JsonException($"expected a pair, got {list.Count} numbers");
        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
