using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>
/// Finds what makes a message body unreadable as text before anything tries to read it: bytes that are not
/// UTF-8, and JSON strings that cannot become .NET strings (an escaped unpaired UTF-16 surrogate such as
/// <c>"a\ud800b"</c>, or invalid UTF-8 inside a string). Each answer names where (a byte offset, a JSON path).
/// Never throws.
/// </summary>
internal static class JsonTextProblems
{
    /// <summary>The offset of the first byte that is not valid UTF-8, or null when the body is valid UTF-8.</summary>
    public static int? InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
            return null;
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(body.Length, 1));
        try
        {
            var status = Utf8.ToUtf16(body, buffer, out var read, out _, replaceInvalidSequences: false);
            return status == OperationStatus.InvalidData ? read : 0;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>The first JSON string (property name or value) that cannot be read as text, as
    /// <c>$.path: why</c>; null when every string reads (or the body is not JSON at all).</summary>
    public static string? UnreadableString(ReadOnlySpan<byte> body)
    {
        var frames = new List<Frame>();
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (Unreadable(ref reader) is { } nameProblem)
                            return $"{Path(frames)}: a property name {nameProblem}";
                        frames[^1].Property = reader.GetString();
                        break;
                    case JsonTokenType.String:
                        Advance(frames);
                        if (Unreadable(ref reader) is { } valueProblem)
                            return $"{Path(frames)}: the string {valueProblem}";
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (or cut short): the caller reports that; nothing here is about the text of a string.
        }
        return null;
    }

    private static string? Unreadable(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return null;
        }
        catch (InvalidOperationException)
        {
            var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
            return Utf8.IsValid(raw)
                ? $"holds an unpaired UTF-16 surrogate escape ({Surrogate(raw)}); text must be valid Unicode"
                : "is not valid UTF-8";
        }
    }

    private static string Surrogate(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var at = text.IndexOf("\\u", StringComparison.OrdinalIgnoreCase);
        while (at >= 0 && at + 6 <= text.Length)
        {
            if (text[at + 2] is 'd' or 'D' && text[at + 3] is >= '8' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F')
                return text.Substring(at, 6);
            at = text.IndexOf("\\u", at + 2, StringComparison.OrdinalIgnoreCase);
        }
        return "\\ud800-\\udfff";
    }

    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray)
            frames[^1].Index++;
    }

    private static string Path(List<Frame> frames)
    {
        var path = new StringBuilder("$");
        foreach (var f in frames)
        {
            if (f.IsArray)
                path.Append('[').Append(f.Index).Append(']');
            else if (f.Property is not null)
                path.Append('.').Append(f.Property);
        }
        return path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string? Property { get; set; }
    }
}
