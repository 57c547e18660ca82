using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Chat;

/// <summary>
/// Message content: either a string (<see cref="Text"/>) or a list of parts (<see cref="Parts"/>),
/// exactly one of them set. Serialised as the JSON string or array it came from.
/// </summary>
[JsonConverter(typeof(MessageContentJsonConverter))]
public sealed record MessageContent
{
    public string? Text { get; init; }

    public IReadOnlyList<ContentPart>? Parts { get; init; }

    public static MessageContent FromText(string text) => new() { Text = text };

    public static MessageContent FromParts(IReadOnlyList<ContentPart> parts) => new() { Parts = parts };

    public static implicit operator MessageContent(string text) => FromText(text);
}
