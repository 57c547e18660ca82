using System.Text.Json;
using Microsoft.Win32.SafeHandles;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// The safetensors weights of a model folder: <c>model.safetensors.index.json</c> (a
/// <c>weight_map</c> of tensor name -> shard file) or a single <c>model.safetensors</c>. Opening
/// reads only the headers; tensor data is read on demand, chunk by chunk, straight from the files.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    public const string IndexFileName = "model.safetensors.index.json";
    public const string SingleFileName = "model.safetensors";

    private readonly Dictionary<string, SafetensorsTensorInfo> _tensors;
    private readonly Dictionary<string, SafeFileHandle> _handles = new();

    private SafetensorsCheckpoint(string directory, Dictionary<string, SafetensorsTensorInfo> tensors,
        IReadOnlyDictionary<string, string> indexedShards, IReadOnlyList<string> shardFiles)
    {
        Directory = directory;
        _tensors = tensors;
        IndexedShards = indexedShards;
        ShardFiles = shardFiles;
    }

    public string Directory { get; }

    /// <summary>Every tensor in the shards, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => _tensors;

    /// <summary>The index's weight_map (name -> shard file name); empty for a single-file checkpoint.</summary>
    public IReadOnlyDictionary<string, string> IndexedShards { get; }

    /// <summary>Shard file names in order.</summary>
    public IReadOnlyList<string> ShardFiles { get; }

    /// <summary>Where a tensor is (or, per the index, should be): the shard file name, or a phrase for messages.</summary>
    public string ShardOf(string name) =>
        _tensors.TryGetValue(name, out var t) ? t.FileName
        : IndexedShards.TryGetValue(name, out var f) ? $"{f} (per the index, but absent from that file)"
        : IndexedShards.Count > 0 ? $"not in {IndexFileName}" : $"not in {SingleFileName}";

    /// <summary>Opens <paramref name="directory"/>'s index or single file and reads every header.</summary>
    public static SafetensorsCheckpoint Open(string directory)
    {
        var indexPath = Path.Combine(directory, IndexFileName);
        var singlePath = Path.Combine(directory, SingleFileName);
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> shards;
        if (File.Exists(indexPath))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
                if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                    throw new CheckpointException($"{indexPath}: missing the 'weight_map' object");
                foreach (var e in map.EnumerateObject())
                    weightMap[e.Name] = e.Value.GetString() ?? throw new CheckpointException($"{indexPath}: weight_map['{e.Name}'] is not a file name");
            }
            catch (JsonException e)
            {
                throw new CheckpointException($"{indexPath}: not valid JSON: {e.Message}", e);
            }
            shards = weightMap.Values.Distinct().Order(StringComparer.Ordinal).ToList();
            var absent = shards.Where(s => !File.Exists(Path.Combine(directory, s))).ToList();
            if (absent.Count > 0)
                throw new CheckpointException($"{indexPath} names {absent.Count} shard file(s) that do not exist in {directory}: {string.Join(", ", absent.Take(5))}");
        }
        else if (File.Exists(singlePath))
        {
            shards = [SingleFileName];
        }
        else
        {
            var found = System.IO.Directory.Exists(directory) ? System.IO.Directory.GetFiles(directory, "*.safetensors").Select(Path.GetFileName).ToList() : [];
            throw new CheckpointException(found.Count > 0
                ? $"{directory}: has {found.Count} .safetensors file(s) ({string.Join(", ", found.Take(3))}) but neither {IndexFileName} nor {SingleFileName}"
                : $"{directory}: no weights found (expected {IndexFileName} or {SingleFileName})");
        }

        var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            var path = Path.Combine(directory, shard);
            foreach (var info in SafetensorsHeader.Read(path, out _))
            {
                if (!tensors.TryAdd(info.Name, info))
                    throw new CheckpointException($"tensor '{info.Name}' appears in two shards: {tensors[info.Name].FileName} and {shard}");
            }
        }
        return new SafetensorsCheckpoint(directory, tensors, weightMap, shards);
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes of a tensor's data starting at
    /// byte <paramref name="offsetInTensor"/> of that tensor.</summary>
    public void ReadBytes(SafetensorsTensorInfo tensor, long offsetInTensor, Span<byte> destination)
    {
        if (offsetInTensor < 0 || offsetInTensor + destination.Length > tensor.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(offsetInTensor), $"read of {destination.Length} bytes at {offsetInTensor} lies outside tensor '{tensor.Name}' ({tensor.ByteLength} bytes)");
        var handle = Handle(tensor.FilePath);
        var position = tensor.DataOffset + offsetInTensor;
        while (destination.Length > 0)
        {
            var n = RandomAccess.Read(handle, destination, position);
            if (n <= 0)
                throw new CheckpointException($"{tensor.FilePath}: unexpected end of file while reading tensor '{tensor.Name}'");
            destination = destination[n..];
            position += n;
        }
    }

    private SafeFileHandle Handle(string path)
    {
        if (!_handles.TryGetValue(path, out var h))
        {
            h = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            _handles[path] = h;
        }
        return h;
    }

    public void Dispose()
    {
        foreach (var h in _handles.Values) h.Dispose();
        _handles.Clear();
    }
}
