using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Sampling;

namespace InternS1.Engine.Torch.Tests;

public class SamplingDefaultsTests
{
    private static InternS1Config S1(bool dense) => InternS1Config.Parse(TinyCheckpointConfig.ConfigJson(new TinyCheckpointOptions { Dense = dense }));

    [Fact]
    public void Intern_s1_recommends_temperature_0_7_top_p_1_top_k_50_min_p_0()
    {
        var p = SamplingDefaults.For(S1(dense: false), new GenerationConfig { BosTokenId = 151643, EosTokenId = [151645] });
        Assert.Equal((0.7f, 1.0f, 50, 0f), (p.Temperature, p.TopP, p.TopK, p.MinP));
        Assert.Equal([151645], p.StopTokenIds);
    }

    [Fact]
    public void Intern_s1_mini_recommends_temperature_0_8()
    {
        var p = SamplingDefaults.For(S1(dense: true), null);
        Assert.Equal(0.8f, p.Temperature);
        Assert.Equal([151645], p.StopTokenIds); // from text_config.eos_token_id when generation_config.json is absent
    }

    [Fact]
    public void Values_in_generation_config_override_the_recommendation()
    {
        var qwen3 = InternS1Config.Parse("""{"model_type":"qwen3","vocab_size":10,"hidden_size":4,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2}""");
        var p = SamplingDefaults.For(qwen3, new GenerationConfig { Temperature = 0.6f, TopP = 0.95f, TopK = 20, EosTokenId = [151645, 151643] });
        Assert.Equal((0.6f, 0.95f, 20, 0f), (p.Temperature, p.TopP, p.TopK, p.MinP));
        Assert.Equal([151645, 151643], p.StopTokenIds);
    }

    [Fact]
    public void Generation_config_json_with_one_or_several_eos_ids_parses()
    {
        var dir = Path.Combine(Path.GetTempPath(), "interns1-gen-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "generation_config.json"), """{"_from_model_config": true, "bos_token_id": 151643, "eos_token_id": 151645, "transformers_version": "4.53.0"}""");
            Assert.Equal([151645], GenerationConfig.Load(dir)!.EosTokenId);
            File.WriteAllText(Path.Combine(dir, "generation_config.json"), """{"eos_token_id": [151645, 151643], "do_sample": true, "temperature": 0.6, "top_k": 20, "top_p": 0.95}""");
            var g = GenerationConfig.Load(dir)!;
            Assert.Equal([151645, 151643], g.EosTokenId);
            Assert.Equal(20, g.TopK);
            Assert.Null(GenerationConfig.Load(Path.Combine(dir, "absent")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
