using InternS1.Text.Scientific;

namespace InternS1.Text.Assets;

/// <summary>Small deterministic unigram SentencePiece models with the real piece counts of Intern-S1's
/// sub-tokenizers (synthetic pieces: the alphabet of the domain, then frequent fragments, then pairs).
/// Normaliser: identity, no dummy prefix, whitespace escaped as ▁ (pieces never contain ▁, so spaces fall back to BPE).</summary>
public static class TinySentencePieceModels
{
    public static SentencePieceModel Smiles() => Build(TinyTokenizerAssets.SmilesPieces,
        "CNOSPFIBHclnospr()[]=#@+-/\\.%0123456789:*$",
        ["CC", "=O", "C(", "c1", "cc", "Cl", "Br", "(=O)", "C=C", "[C@@H]", "[C@H]", "[nH]", "=CC=C(", "=CC=CC=C", ")C", "C=O",
         "CCC", "ccc", "c1cc", "OC", "NC", "CN", "CO", "C1", "N(", "O)", "(C)", "[O-]", "[N+]", "S(=O)(=O)", "c2", "n1", "C#N"]);

    public static SentencePieceModel Iupac() => Build(TinyTokenizerAssets.IupacPieces,
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,()[]'",
        ["meth", "eth", "prop", "but", "pent", "hex", "yl", "ane", "ene", "yne", "ol", "one", "al", "oic", "acid", "amino", "hydroxy",
         "phenyl", "benz", "oxo", "chloro", "bromo", "fluoro", "methyl", "ethyl", "carbox", "amide", "ate", "di", "tri", "tetra",
         "cyclo", "iso", "N-", "2-", "3-", "4-", "1,", "(2S)", "(2R)", "pyr", "idin", "imid", "azol", "furan", "thio"]);

    public static SentencePieceModel Fasta() => Build(TinyTokenizerAssets.FastaPieces,
        "ACDEFGHIKLMNPQRSTVWYXBZUO",
        ["MK", "KK", "LL", "AA", "GG", "SS", "EE", "RR", "LLL", "AAA", "GLY", "ALA", "MKT", "VL", "LV", "IL", "LA", "AL", "EL", "LE"]);

    private static SentencePieceModel Build(int count, string alphabet, IReadOnlyList<string> fragments)
    {
        var pieces = new List<SentencePiece>
        {
            new("<unk>", 0, SentencePieceType.Unknown),
            new("<s>", 0, SentencePieceType.Control),
            new("</s>", 0, SentencePieceType.Control),
        };
        var seen = new HashSet<string>(StringComparer.Ordinal) { "<unk>", "<s>", "</s>" };
        void Add(string p, float score)
        {
            if (pieces.Count < count && seen.Add(p)) pieces.Add(new SentencePiece(p, score));
        }
        for (var i = 0; i < fragments.Count; i++) Add(fragments[i], -2.0f - 0.05f * i);
        for (var i = 0; i < alphabet.Length; i++) Add(alphabet[i].ToString(), -6.0f - 0.01f * i);
        // Fill with two-character pieces in a fixed order, scores decreasing.
        var k = 0;
        for (var a = 0; a < alphabet.Length && pieces.Count < count; a++)
            for (var b = 0; b < alphabet.Length && pieces.Count < count; b++)
                Add($"{alphabet[a]}{alphabet[b]}", -8.0f - 0.001f * k++);
        if (pieces.Count != count) throw new InvalidOperationException($"could only build {pieces.Count} of {count} pieces");
        return new SentencePieceModel
        {
            Pieces = pieces, ModelType = SentencePieceModelType.Unigram, NormalizerName = "identity",
            AddDummyPrefix = false, RemoveExtraWhitespaces = false, EscapeWhitespaces = true,
        };
    }
}
