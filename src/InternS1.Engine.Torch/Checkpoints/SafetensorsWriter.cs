using System.Text.Json;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Writes safetensors files: one file, or Hugging Face style shards
/// (<c>model-0000i-of-0000N.safetensors</c>) with <c>model.safetensors.index.json</c>
/// (<c>metadata.total_size</c> and a <c>weight_map</c>). Entries are written in the given order.
/// </summary>
public static class SafetensorsWriter
{
    private static readonly Dictionary<string, string> FormatMetadata = new() { ["format"] = "pt" };

    /// <summary>Writes one safetensors file.</summary>
    public static void WriteFile(string path, IReadOnlyList<SafetensorsEntry> entries)
    {
        var layout = new List<(string, SafetensorsDtype, long[], long, long)>();
        long offset = 0;
        foreach (var e in entries)
        {
            layout.Add((e.Name, e.Dtype, e.Shape, offset, offset + e.ByteLength));
            offset += e.ByteLength;
        }
        var header = SafetensorsHeader.Build(layout, FormatMetadata);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var e in entries)
        {
            var data = e.Data();
            if (data.Length != e.ByteLength)
                throw new CheckpointException($"tensor '{e.Name}': producer gave {data.Length} bytes, shape [{string.Join(", ", e.Shape)}] of {e.Dtype} needs {e.ByteLength}");
            stream.Write(data.Span);
        }
    }

    /// <summary>Splits <paramref name="entries"/> in order into shards of at most
    /// <paramref name="maxShardBytes"/> data bytes (a larger tensor gets a shard of its own), writes
    /// them and the index into <paramref name="directory"/>; returns the shard file names.</summary>
    public static IReadOnlyList<string> WriteSharded(string directory, IReadOnlyList<SafetensorsEntry> entries, long maxShardBytes)
    {
        var groups = new List<List<SafetensorsEntry>>();
        long current = 0;
        foreach (var e in entries)
        {
            if (groups.Count == 0 || (current + e.ByteLength > maxShardBytes && groups[^1].Count > 0))
            {
                groups.Add([]);
                current = 0;
            }
            groups[^1].Add(e);
            current += e.ByteLength;
        }
        System.IO.Directory.CreateDirectory(directory);
        var names = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{groups.Count:D5}.safetensors";
            WriteFile(Path.Combine(directory, name), groups[i]);
            names.Add(name);
            foreach (var e in groups[i]) weightMap[e.Name] = name;
        }
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, long> { ["total_size"] = entries.Sum(e => e.ByteLength) },
            ["weight_map"] = weightMap,
        };
        File.WriteAllText(Path.Combine(directory, SafetensorsCheckpoint.IndexFileName),
            JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return names;
    }
}
