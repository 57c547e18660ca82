namespace InternS1.Text.Tests.Scientific;

/// <summary>Full id vectors of transformers' test_tokenization_intern_s1.py; they need the real sub-vocabularies,
/// so they run only when INTERNS1_REAL_MODEL_DIR points at a downloaded internlm/Intern-S1 (or -mini) folder.</summary>
public class RealInternS1TokenizerTests
{
    private static string RealDir()
    {
        var dir = Environment.GetEnvironmentVariable("INTERNS1_REAL_MODEL_DIR");
        Skip.If(string.IsNullOrEmpty(dir), "INTERNS1_REAL_MODEL_DIR is not set (needs a real Intern-S1 folder with tokenizer_*.model)");
        return dir!;
    }

    [SkippableFact]
    public void Official_offset_vector_matches_with_the_real_sentencepiece_models()
    {
        var t = InternS1.Text.Tokenization.InternS1Tokenizer.Load(RealDir());
        Assert.Equal([74785, 220, 151925, 151854, 151860, 151698, 151707, 151860, 151690, 151726, 151926, 323, 220, 151672, 151860, 151701, 151860, 151854, 151726],
            t.Encode("Describe <SMILES>C1=CC=C(C=C1)C=O</SMILES> and CC1=CC=CC=C1C=O"));
        Assert.Equal(["Describe", "Ġ", "<SMILES_AUTO_DETECT>", "C", "1", "=CC=C(", "C=C", "1", ")C", "=O", "</SMILES_AUTO_DETECT>"],
            t.Tokenize("Describe C1=CC=C(C=C1)C=O"));
    }
}
