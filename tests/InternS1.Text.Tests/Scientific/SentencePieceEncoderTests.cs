using System.Text.Json;
using InternS1.Text.Assets;
using InternS1.Text.Scientific;

namespace InternS1.Text.Tests.Scientific;

/// <summary>Our SentencePiece reader and unigram encoder against the real sentencepiece library (C++ compiled to
/// WebAssembly, npm @agnai/sentencepiece-js; tests/tools/jinja-golden/sentencepiece-ref.mjs) on the tiny models.</summary>
public class SentencePieceEncoderTests
{
    private static string Dir => Path.Combine(TestPaths.Fixtures, "sentencepiece");

    public static TheoryData<string, string, string[], int[]> Cases()
    {
        var data = new TheoryData<string, string, string[], int[]>();
        foreach (var line in File.ReadLines(Path.Combine(Dir, "expected.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            data.Add(r.GetProperty("model").GetString()!, r.GetProperty("text").GetString()!,
                r.GetProperty("pieces").EnumerateArray().Select(e => e.GetString()!).ToArray(),
                r.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoding_matches_the_sentencepiece_library(string model, string text, string[] pieces, int[] ids)
    {
        var file = model.Contains('_') ? $"{model}.model" : $"tokenizer_{model}.model";
        var encoder = new SentencePieceEncoder(SentencePieceModel.Load(Path.Combine(Dir, file)));
        var got = encoder.Encode(text);
        Assert.Equal(pieces, got.Select(p => p.Piece).ToArray());
        Assert.Equal(ids, got.Select(p => p.Id).ToArray());
    }

    [Fact]
    public void The_fixture_models_are_what_the_tiny_asset_writer_writes()
    {
        // Guards the fixture above: the reference encodings were computed on these exact bytes.
        Assert.Equal(File.ReadAllBytes(Path.Combine(Dir, "tokenizer_SMILES.model")), TinySentencePieceModels.Smiles().ToBytes());
        Assert.Equal(File.ReadAllBytes(Path.Combine(Dir, "tokenizer_IUPAC.model")), TinySentencePieceModels.Iupac().ToBytes());
        Assert.Equal(File.ReadAllBytes(Path.Combine(Dir, "tokenizer_FASTA.model")), TinySentencePieceModels.Fasta().ToBytes());
        Assert.Equal(File.ReadAllBytes(Path.Combine(Dir, "bpe_SMILES.model")), BpeVariant().ToBytes());
    }

    /// <summary>The SMILES pieces as a BPE model with the dummy prefix and whitespace squeezing on (bpe_SMILES.model).</summary>
    private static SentencePieceModel BpeVariant() => new()
    {
        Pieces = TinySentencePieceModels.Smiles().Pieces, ModelType = SentencePieceModelType.Bpe, NormalizerName = "identity",
        AddDummyPrefix = true, RemoveExtraWhitespaces = true, EscapeWhitespaces = true,
    };

    [Fact]
    public void Reader_round_trips_pieces_scores_types_and_normalizer_settings()
    {
        var model = SentencePieceModel.Parse(TinySentencePieceModels.Smiles().ToBytes());
        Assert.Equal(256, model.Pieces.Count);
        Assert.Equal(new SentencePiece("<unk>", 0, SentencePieceType.Unknown), model.Pieces[0]);
        Assert.Equal(SentencePieceType.Control, model.Pieces[1].Type);
        Assert.Equal(SentencePieceModelType.Unigram, model.ModelType);
        Assert.False(model.AddDummyPrefix);
        Assert.False(model.RemoveExtraWhitespaces);
        Assert.True(model.EscapeWhitespaces);
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_rejected_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Environment.ProcessId}.model");
        File.WriteAllText(path, "this is not protobuf");
        var e = Assert.Throws<InvalidDataException>(() => SentencePieceModel.Load(path));
        Assert.Contains(path, e.Message);
    }
}
