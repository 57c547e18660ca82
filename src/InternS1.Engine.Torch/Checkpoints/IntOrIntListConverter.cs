using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>Reads a JSON number or array of numbers (e.g. <c>eos_token_id</c>) as a list.</summary>
public sealed class IntOrIntListConverter : JsonConverter<IReadOnlyList<int>>
{
    public override IReadOnlyList<int>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.Number => [reader.GetInt32()],
            JsonTokenType.StartArray => JsonSerializer.Deserialize<List<int>>(ref reader, options),
            _ => throw new JsonException($"expected a number or a list of numbers, got {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int> value, JsonSerializerOptions options)
    {
        if (value.Count == 1) writer.WriteNumberValue(value[0]);
        else JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}
