using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>Reads and writes <see cref="MessageContent"/> as a JSON string or an array of parts.</summary>
public sealed class MessageContentJsonConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return MessageContent.FromText(reader.GetString()!);
            case JsonTokenType.StartArray:
                var parts = JsonSerializer.Deserialize<List<ContentPart>>(ref reader, options)
                    ?? throw new JsonException("content: expected a list of parts");
                return MessageContent.FromParts(parts);
            default:
                throw new JsonException($"content: expected a string or a list of parts, got {reader.TokenType}");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Parts is { } parts)
            JsonSerializer.Serialize(writer, parts, options);
        else if (value.Text is { } text)
            writer.WriteStringValue(text);
        else
            writer.WriteNullValue();
    }
}
