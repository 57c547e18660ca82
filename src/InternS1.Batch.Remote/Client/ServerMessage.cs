using System.Text.Json;

namespace InternS1.Batch.Remote.Client;

/// <summary>The human message inside a server's error body, whatever the server's error shape:
/// OpenAI/vLLM/Ollama <c>{"error": {"message"}}</c> or <c>{"error": "..."}</c>, LMDeploy/SGLang
/// <c>{"object": "error", "message"}</c>, FastAPI <c>{"detail": ...}</c>, or plain text.</summary>
internal static class ServerMessage
{
    private const int MaxLength = 2000;

    public static string From(string body, string? reasonPhrase)
    {
        var text = body.Trim();
        if (text.Length == 0)
            return reasonPhrase ?? "(no message)";
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                        return Cut(error.GetString()!);
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var nested) && nested.ValueKind == JsonValueKind.String)
                        return Cut(nested.GetString()!);
                }
                if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    return Cut(message.GetString()!);
                if (root.TryGetProperty("detail", out var detail))
                    return Cut(detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText());
            }
        }
        catch (JsonException)
        {
        }
        return Cut(text);
    }

    private static string Cut(string text) => text.Length <= MaxLength ? text : text[..MaxLength] + "...";
}
