using System.Diagnostics;
using InternS1.Text.Assets;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>A model folder with only the prompt-side files (Intern-S1's tokenizer layout over the real Qwen3
/// tokenizer, chat template; written once per test run by <see cref="TinyTokenizerAssets"/>), for engines whose
/// runner is a test double.</summary>
public static class TinyPromptFolder
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"interns1-batch-tests-{Environment.ProcessId}", "prompt-folder");
        TinyTokenizerAssets.Write(Qwen3Directory, dir);
        return dir;
    });

    public static string Directory => Folder.Value;

    /// <summary>The real Qwen3 tokenizer folder the prompt folder was written from.</summary>
    public static string Qwen3Directory => Qwen3.Value;

    private static readonly Lazy<string> Qwen3 = new(Qwen3TokenizerDir);

    /// <summary>INTERNS1_QWEN3_TOKENIZER_DIR (set by ops/test.sh), else what ops/fetch-tokenizer.sh fetches.</summary>
    private static string Qwen3TokenizerDir()
    {
        var dir = Environment.GetEnvironmentVariable("INTERNS1_QWEN3_TOKENIZER_DIR");
        if (!string.IsNullOrEmpty(dir) && File.Exists(Path.Combine(dir, "tokenizer.json")))
            return dir;
        using var fetch = Process.Start(new ProcessStartInfo("bash", Path.Combine(TestServices.RepositoryRoot, "ops", "fetch-tokenizer.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = fetch.StandardOutput.ReadToEnd().Trim();
        var error = fetch.StandardError.ReadToEnd();
        fetch.WaitForExit();
        if (fetch.ExitCode != 0 || !File.Exists(Path.Combine(output, "tokenizer.json")))
            throw new InvalidOperationException($"ops/fetch-tokenizer.sh failed (exit {fetch.ExitCode}): {error}");
        return output;
    }
}
