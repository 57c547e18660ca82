using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternS1.Batch.Storage.Writing;

/// <summary>Turns a message body into the jsonb stored in <c>dead_letters.payload</c>: JSON objects and
/// arrays as they are, anything else wrapped as <c>{"raw_text": ...}</c> (valid UTF-8) or
/// <c>{"raw_base64": ...}</c>.</summary>
public static class DeadLetterPayload
{
    public static string FromBody(ReadOnlySpan<byte> body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            if (node is JsonObject or JsonArray)
                return node.ToJsonString();
        }
        catch (JsonException)
        {
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var text = utf8.GetString(body);
            if (!text.Contains('\0'))
                return new JsonObject { ["raw_text"] = text }.ToJsonString();
        }
        catch (DecoderFallbackException)
        {
        }
        return new JsonObject { ["raw_base64"] = Convert.ToBase64String(body) }.ToJsonString();
    }
}
