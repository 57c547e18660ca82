using System.Buffers.Binary;
using System.Text.Json;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Reads the header of one safetensors file: an 8-byte little-endian header length N, N bytes of
/// JSON (<c>name -> {dtype, shape, data_offsets: [begin, end]}</c>, plus an optional
/// <c>__metadata__</c> object of strings), then the raw little-endian data; offsets are relative to
/// the end of the header. Only the header is read here, never the data.
/// </summary>
public static class SafetensorsHeader
{
    /// <summary>Refuse headers beyond this size (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads every tensor entry of <paramref name="path"/>; errors name the file and entry.</summary>
    public static IReadOnlyList<SafetensorsTensorInfo> Read(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.Read(lengthBytes) != 8)
            throw new CheckpointException($"{path}: not a safetensors file (shorter than the 8-byte header length)");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 1 || headerLength > MaxHeaderBytes || 8 + headerLength > fileLength)
            throw new CheckpointException($"{path}: not a safetensors file (header length {headerLength}, file length {fileLength})");
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        var dataStart = 8 + headerLength;
        var dataLength = fileLength - dataStart;

        var tensors = new List<SafetensorsTensorInfo>();
        var meta = new Dictionary<string, string>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.AsMemory().TrimEnd((byte)' '));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"{path}: the safetensors header is not valid JSON: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: the safetensors header must be a JSON object");
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind == JsonValueKind.Object)
                        foreach (var m in entry.Value.EnumerateObject())
                            meta[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                tensors.Add(ParseEntry(path, entry, dataStart, dataLength));
            }
        }
        metadata = meta;
        return tensors;
    }

    private static SafetensorsTensorInfo ParseEntry(string path, JsonProperty entry, long dataStart, long dataLength)
    {
        string Where() => $"{path}: tensor '{entry.Name}'";
        try
        {
            var v = entry.Value;
            var dtypeName = v.GetProperty("dtype").GetString() ?? "";
            var shape = v.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new CheckpointException($"{Where()}: data_offsets [{string.Join(", ", offsets)}] lie outside the {dataLength} data bytes");
            if (shape.Any(d => d < 0))
                throw new CheckpointException($"{Where()}: negative dimension in shape [{string.Join(", ", shape)}]");
            var dtype = SafetensorsDtypes.Parse(dtypeName);
            var info = new SafetensorsTensorInfo(entry.Name, dtypeName, dtype, shape, path, dataStart + offsets[0], offsets[1] - offsets[0]);
            if (dtype is { } d && info.ElementCount * d.ElementSize() != info.ByteLength)
                throw new CheckpointException($"{Where()}: {info.ByteLength} data bytes do not match shape {info.ShapeText} of {dtypeName}");
            return info;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{Where()}: malformed header entry (needs dtype, shape, data_offsets): {e.Message}", e);
        }
    }

    /// <summary>Serialises a header (entries in the given order), padded with spaces to a multiple of 8 bytes.</summary>
    public static byte[] Build(IEnumerable<(string Name, SafetensorsDtype Dtype, long[] Shape, long Begin, long End)> entries,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, val) in metadata) w.WriteString(k, val);
                w.WriteEndObject();
            }
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.Dtype.Name());
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        var json = buffer.ToArray();
        var padded = (json.Length + 7) / 8 * 8;
        var result = new byte[padded];
        json.CopyTo(result, 0);
        result.AsSpan(json.Length).Fill((byte)' ');
        return result;
    }
}
