namespace InternS1.Text.Tests.Scientific;

/// <summary>The dynamic tokenizer on a folder written by TinyTokenizerAssets, against the official test vectors of
/// transformers' test_tokenization_intern_s1.py (real internlm/Intern-S1 tokenizer) wherever they do not depend on
/// the real sub-vocabularies: segmentation, tag ids, plain-BPE parts.</summary>
public class ScientificTokenizerTests
{
    [Fact]
    public void Tags_get_the_ids_of_the_real_layout()
    {
        var t = SharedTokenizers.Tiny;
        Assert.True(t.HasScientificTokenizer);
        Assert.Equal(151925, t.TokenToId("<SMILES>"));
        Assert.Equal(151926, t.TokenToId("</SMILES>"));
        Assert.Equal(151927, t.TokenToId("<SELFIES>"));
        Assert.Equal(151928, t.TokenToId("</SELFIES>"));
        Assert.Equal(152441, t.TokenToId("<IUPAC>"));
        Assert.Equal(152442, t.TokenToId("</IUPAC>"));
        Assert.Equal(152957, t.TokenToId("<IMG_CONTEXT>"));
        Assert.Equal(151645, t.TokenToId("<|im_end|>"));
        Assert.Equal("<IMG_CONTEXT>", t.ExtraSpecialTokens["context_image_token"]);
    }

    [Fact]
    public void Auto_detected_smiles_is_cut_where_the_reference_cuts_it()
    {
        var tokens = SharedTokenizers.Tiny.Tokenize("Describe C1=CC=C(C=C1)C=O");
        Assert.Equal(["Describe", "Ġ", "<SMILES_AUTO_DETECT>"], tokens.Take(3));
        Assert.Equal("</SMILES_AUTO_DETECT>", tokens[^1]);
        Assert.Equal("C1=CC=C(C=C1)C=O", string.Concat(tokens.Skip(3).SkipLast(1)));
    }

    [Fact]
    public void Explicit_tags_and_auto_detection_give_the_reference_ids_outside_the_sub_vocabulary()
    {
        var t = SharedTokenizers.Tiny;
        var text = "Describe <SMILES>C1=CC=C(C=C1)C=O</SMILES> and CC1=CC=CC=C1C=O";
        var ids = t.Encode(text).ToList();
        // Reference: [74785, 220, 151925, <6 SMILES ids>, 151926, 323, 220, <6 SMILES ids>] with the real vocabulary.
        Assert.Equal([74785, 220, 151925], ids.Take(3));
        var close = ids.IndexOf(151926);
        Assert.Equal([323, 220], ids.Skip(close + 1).Take(2));
        var inner = ids.Skip(3).Take(close - 3).Concat(ids.Skip(close + 3)).ToList();
        Assert.All(inner, id => Assert.InRange(id, 151669, 151924));
        // With the tiny SMILES model the pieces are the sentencepiece library's (SentencePieceEncoderTests): offset + sp id.
        Assert.Equal(new[] { 26, 15, 11, 66, 17, 4 }.Select(i => 151669 + i), ids.Skip(3).Take(close - 3));
        Assert.Equal(new[] { 3, 66, 16, 66, 18 }.Select(i => 151669 + i), ids.Skip(close + 3));
        Assert.Equal(text, t.Decode(ids));
    }

    [Fact]
    public void Molformula_markers_protect_their_content_and_are_bpe_tokenized()
    {
        Assert.Equal(["<M", "OL", "FORM", "ULA", ">", "C", "6", "H", "1", "5", "O", "6", "<M", "OL", "FORM", "ULA", ">"],
            SharedTokenizers.Tiny.Tokenize("<MOLFORMULA>C6H15O6<MOLFORMULA>"));
    }

    [Fact]
    public void Plain_text_gets_the_official_ids_and_no_false_detection()
    {
        var t = SharedTokenizers.Tiny;
        int[] expected = [8963, 388, 320, 69514, 3881, 438, 4510, 27414, 32852, 388, 323, 4510, 27414, 21334, 35722, 1455, 529, 8, 5707, 4586, 58238, 77235, 320, 61437, 11, 479, 2828, 12, 17, 11, 11830, 61437, 64, 11, 1599, 10994, 11, 27604, 321, 33, 529, 11, 29881, 6954, 32574, 369, 18448, 11434, 45451, 320, 45, 23236, 8, 323, 18448, 11434, 23470, 320, 30042, 38, 8, 448, 916, 220, 18, 17, 10, 80669, 4119, 304, 220, 16, 15, 15, 10, 15459, 323, 5538, 94130, 2897, 1948, 619, 706, 11, 5355, 51, 21584, 323, 94986, 13];
        Assert.Equal(expected, t.Encode("Transformers (formerly known as pytorch-transformers and pytorch-pretrained-bert) provides " +
            "general-purpose architectures (BERT, GPT-2, RoBERTa, XLM, DistilBert, XLNet...) for Natural " +
            "Language Understanding (NLU) and Natural Language Generation (NLG) with over 32+ pretrained " +
            "models in 100+ languages and deep interoperability between Jax, PyTorch and TensorFlow."));
        Assert.Equal([144834, 80532, 93685, 83744, 34187, 73670, 104261, 29490, 62189, 103937, 104034, 102830, 98841, 104034, 104949, 9370, 5333, 58143, 102011, 1773, 37029, 98841, 104034, 104949, 73670, 101940, 100768, 104997, 33108, 100912, 105054, 90395, 100136, 106831, 45181, 64355, 104034, 113521, 101975, 33108, 85329, 1773],
            t.Encode("🤗 Transformers 提供了可以轻松地下载并且训练先进的预训练模型的 API 和工具。使用预训练模型可以减少计算消耗和碳排放，并且节省从头训练所需要的时间和资源。"));
        Assert.Equal([73594, 12669, 198, 85593, 284, 8979, 37434, 6387, 10442, 35722, 445, 55444, 17771, 14, 67916, 6222, 16, 1138, 85593, 445, 99489, 3837, 108386, 6313, 899, 73594],
            t.Encode("```python\ntokenizer = AutoTokenizer.from_pretrained(\"internlm/Intern-S1\")\ntokenizer(\"世界，你好！\")```"));
    }

    [Fact]
    public void Hybrid_text_round_trips_through_decode()
    {
        var t = SharedTokenizers.Tiny;
        var text = "**CC(C)(C)OC(=O)NC@@HC(=O)O, the SMILES representation of N-tert-butyloxycarbonyl-L-phenylalanine, often abbreviated as Boc-Phe-OH.\n" +
                   "The `(CC1=CC=CC=C1)` part is the benzyl side chain; <IUPAC>2-methylpropan-1-ol</IUPAC> and MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDG.";
        var ids = t.Encode(text);
        Assert.Equal(text, t.Decode(ids));
        Assert.Contains(ids, id => id >= 152443 && id < 152955); // the FASTA run was auto-detected
        Assert.Contains(152441, ids);
    }

    [Fact]
    public void Tiny_folder_loads_from_slow_files_and_matches_the_transformers_js_ids()
    {
        // vocab.json + merges.txt written from tokenizer.json must tokenize plain text exactly like tokenizer.json.
        var t = SharedTokenizers.Tiny;
        Assert.Equal([9707, 1879], t.Encode("Hello world"));
        Assert.Equal([151644, 872, 198, 9707, 151645], t.Encode("<|im_start|>user\nHello<|im_end|>"));
    }
}
