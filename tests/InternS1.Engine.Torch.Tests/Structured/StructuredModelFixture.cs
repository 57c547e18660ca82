using System.Text.Json;
using InternS1.Engine.Output;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using InternS1.Text.Assets;
using InternS1.Text.Structured;
using InternS1.Text.Tokenization;

namespace InternS1.Engine.Torch.Tests.Structured;

/// <summary>
/// The tiny random-weight MoE checkpoint (float32) with the real Intern-S1 vocabulary: the tokenizer written by the
/// text stack from the real Qwen3 files, its 153,216-id <see cref="TokenVocabulary"/> ending values with
/// <c>&lt;|im_end|&gt;</c> (the checkpoint's eos), and compilers of that vocabulary. One per test class.
/// </summary>
public sealed class StructuredModelFixture : IDisposable
{
    public const int ImEnd = 151645, ThinkEnd = 151668;

    private readonly Dictionary<int, StructuredOutputCompiler> _compilers = [];

    public StructuredModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "interns1-structured-tests-" + Guid.NewGuid().ToString("N")[..8]);
        TinyCheckpointWriter.Write(Directory, new TinyCheckpointOptions { Seed = 13 });
        TinyTokenizerAssets.Write(Qwen3Tokenizer.Directory, Directory);
        Tokenizer = InternS1Tokenizer.Load(Directory);
        Runner = TorchModelRunner.Load(Directory, new TorchRunnerOptions { Dtype = ComputeDtype.Float32, LoadVision = false });
        Vocabulary = TokenVocabulary.FromTokenizer(Tokenizer, Runner.Info.VocabSize, Runner.Info.EosTokenIds);
        Decoder = new TokenizerDecoder(Tokenizer);
    }

    public string Directory { get; }
    public InternS1Tokenizer Tokenizer { get; }
    public TorchModelRunner Runner { get; }
    public TokenVocabulary Vocabulary { get; }
    public ITokenDecoder Decoder { get; }

    /// <summary>A compiler with the default options but <paramref name="maxNestingDepth"/>.</summary>
    public StructuredOutputCompiler Compiler(int maxNestingDepth = 20)
    {
        lock (_compilers)
        {
            if (!_compilers.TryGetValue(maxNestingDepth, out var compiler))
                _compilers[maxNestingDepth] = compiler = new StructuredOutputCompiler(Vocabulary, new StructuredOutputOptions { MaxNestingDepth = maxNestingDepth });
            return compiler;
        }
    }

    public StructuredGrammar Grammar(string schema, int maxNestingDepth = 20) =>
        Compiler(maxNestingDepth).CompileJsonSchema(JsonDocument.Parse(schema).RootElement.Clone());

    public void Dispose()
    {
        Runner.Dispose();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
