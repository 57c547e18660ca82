using System.Text.RegularExpressions;
using InternS1.Text.Tokenization;
using Microsoft.ML.Tokenizers;

namespace InternS1.Text.Tests;

/// <summary>Tokenizers loaded once per test run (loading the 151k-entry vocabulary takes about a second).</summary>
internal static class SharedTokenizers
{
    private static readonly Lazy<InternS1Tokenizer> Qwen3Lazy = new(() => InternS1Tokenizer.Load(TestPaths.Qwen3TokenizerDir));

    private static readonly Lazy<string> TinyDirLazy = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "interns1-text-tests-" + Environment.ProcessId, "tiny");
        InternS1.Text.Assets.TinyTokenizerAssets.Write(TestPaths.Qwen3TokenizerDir, dir);
        return dir;
    });

    private static readonly Lazy<InternS1Tokenizer> TinyLazy = new(() => InternS1Tokenizer.Load(TinyDirLazy.Value));

    private static readonly Lazy<TokenizerFolder> Qwen3FolderLazy = new(() => TokenizerFolder.Read(TestPaths.Qwen3TokenizerDir));

    private static readonly Lazy<BpeTokenizer> ReferenceBpeLazy = new(() => BpeTokenizer.Create(new BpeOptions(Qwen3FolderLazy.Value.Vocab)
    {
        Merges = Qwen3FolderLazy.Value.Merges,
        ByteLevel = true,
        PreTokenizer = new RegexPreTokenizer(new Regex(Qwen3FolderLazy.Value.Pattern, RegexOptions.CultureInvariant), null),
    }));

    /// <summary>The files of the real Qwen3 tokenizer folder, as read.</summary>
    public static TokenizerFolder Qwen3Folder => Qwen3FolderLazy.Value;

    /// <summary>Qwen3's byte-level BPE on Microsoft.ML.Tokenizers alone, built straight from tokenizer.json: no added or
    /// special tokens, no normalisation (the algorithm the tokenizer used before the heap merger). An independent
    /// "text with special-token matching off".</summary>
    public static BpeTokenizer ReferenceBpe => ReferenceBpeLazy.Value;

    /// <summary>The real Qwen3 tokenizer.json.</summary>
    public static InternS1Tokenizer Qwen3 => Qwen3Lazy.Value;

    /// <summary>A folder written by TinyTokenizerAssets (Intern-S1 layout: vocab.json, merges.txt, SentencePiece models).</summary>
    public static string TinyDir => TinyDirLazy.Value;

    /// <summary>The tokenizer of <see cref="TinyDir"/>.</summary>
    public static InternS1Tokenizer Tiny => TinyLazy.Value;
}
