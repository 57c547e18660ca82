using InternS1.Text.Tokenization;

namespace InternS1.Text.Tests;

/// <summary>Tokenizers loaded once per test run (loading the 151k-entry vocabulary takes about a second).</summary>
internal static class SharedTokenizers
{
    private static readonly Lazy<InternS1Tokenizer> Qwen3Lazy = new(() => InternS1Tokenizer.Load(TestPaths.Qwen3TokenizerDir));

    /// <summary>The real Qwen3 tokenizer.json.</summary>
    public static InternS1Tokenizer Qwen3 => Qwen3Lazy.Value;
}
