using System.Buffers.Binary;
using System.Text.Json;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>The tests' own minimal safetensors reader (independent of the production reader):
/// 8-byte length, JSON header, data; BF16/F32 decoded by hand.</summary>
internal static class TestSafetensors
{
    public sealed record Entry(string Dtype, long[] Shape, byte[] Data)
    {
        public float[] ToFloats() => Dtype switch
        {
            "F32" => Enumerable.Range(0, Data.Length / 4).Select(i => BitConverter.ToSingle(Data, i * 4)).ToArray(),
            "BF16" => Enumerable.Range(0, Data.Length / 2)
                .Select(i => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(Data.AsSpan(i * 2)) << 16)).ToArray(),
            _ => throw new NotSupportedException(Dtype),
        };
    }

    /// <summary>name -> entry for one file; also returns the raw header length.</summary>
    public static Dictionary<string, Entry> ReadFile(string path, out long headerLength)
    {
        var bytes = File.ReadAllBytes(path);
        headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, Entry>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            var start = 8 + headerLength + offsets[0];
            result[p.Name] = new Entry(
                p.Value.GetProperty("dtype").GetString()!,
                p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
                bytes.AsSpan((int)start, (int)(offsets[1] - offsets[0])).ToArray());
        }
        return result;
    }

    /// <summary>Every tensor of a folder, via its index's weight_map.</summary>
    public static Dictionary<string, Entry> ReadFolder(string directory)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "model.safetensors.index.json")));
        var result = new Dictionary<string, Entry>();
        foreach (var shard in index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()!).Distinct())
            foreach (var (name, entry) in ReadFile(Path.Combine(directory, shard), out _))
                result.Add(name, entry);
        return result;
    }
}
