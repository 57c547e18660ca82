using System.Security.Cryptography;
using System.Text;
using InternS1.Engine.Torch.Checkpoints;

namespace InternS1.Batch.Benchmarks.Common;

/// <summary>Random checkpoints for the benchmarks: written to a temporary folder and deleted after
/// use, or written once into a cache folder keyed by the options' hash and kept.</summary>
internal sealed class BenchmarkCheckpoints : IDisposable
{
    private const string CompleteMarker = ".complete";
    private readonly bool _temporary;

    private BenchmarkCheckpoints(string directory, bool temporary, long parameters)
    {
        Directory = directory;
        _temporary = temporary;
        Parameters = parameters;
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>Elements over all tensors.</summary>
    public long Parameters { get; }

    /// <summary>A folder holding the checkpoint of <paramref name="options"/>.</summary>
    /// <param name="options">The checkpoint's dimensions and seed.</param>
    /// <param name="cacheDirectory">Keep it here (reuse when already complete); null = temporary.</param>
    /// <param name="workDirectory">Parent of a temporary folder; null = the temp folder.</param>
    /// <param name="progress">Receives a line when a checkpoint is written.</param>
    public static BenchmarkCheckpoints Obtain(TinyCheckpointOptions options, string? cacheDirectory, string? workDirectory, Action<string>? progress)
    {
        if (cacheDirectory is null)
        {
            var temp = Path.Combine(workDirectory ?? Path.GetTempPath(), "interns1-bench-" + Guid.NewGuid().ToString("N")[..8]);
            progress?.Invoke($"writing a random checkpoint to {temp}");
            return new BenchmarkCheckpoints(temp, true, TinyCheckpointWriter.Write(temp, options).ParameterCount);
        }

        // NOTE: a record's ToString lists every property, so equal text = equal checkpoint.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.ToString())))[..16];
        var dir = Path.Combine(cacheDirectory, "checkpoint-" + hash);
        var marker = Path.Combine(dir, CompleteMarker);
        if (File.Exists(marker) && long.TryParse(File.ReadAllText(marker), out var cached))
        {
            progress?.Invoke($"using the cached random checkpoint {dir}");
            return new BenchmarkCheckpoints(dir, false, cached);
        }
        progress?.Invoke($"writing a random checkpoint to {dir} (kept for later runs)");
        if (System.IO.Directory.Exists(dir)) System.IO.Directory.Delete(dir, true);
        var summary = TinyCheckpointWriter.Write(dir, options);
        File.WriteAllText(marker, summary.ParameterCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new BenchmarkCheckpoints(dir, false, summary.ParameterCount);
    }

    /// <summary>Deletes a temporary checkpoint.</summary>
    public void Dispose()
    {
        if (!_temporary) return;
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
