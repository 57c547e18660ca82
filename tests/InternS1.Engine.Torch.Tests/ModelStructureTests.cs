using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class ModelStructureTests
{
    [Fact]
    public void Decoder_sparse_step_and_mlp_only_layers_choose_dense_or_moe_per_layer()
    {
        // Qwen3-MoE rule: sparse when (i + 1) % decoder_sparse_step == 0 and i not in mlp_only_layers
        var config = InternS1Config.Parse("""
            {"model_type":"qwen3_moe","vocab_size":16,"hidden_size":8,"intermediate_size":12,"moe_intermediate_size":4,
             "num_hidden_layers":4,"num_attention_heads":2,"num_key_value_heads":1,"head_dim":4,
             "num_experts":3,"num_experts_per_tok":2,"decoder_sparse_step":2,"mlp_only_layers":[3]}
            """);
        using var model = CausalLanguageModels.Create(config, ScalarType.Float32);
        var names = model.Root.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", names);          // (0+1) % 2 != 0: dense
        Assert.Contains("model.layers.1.mlp.experts.2.down_proj.weight", names); // sparse
        Assert.Contains("model.layers.2.mlp.up_proj.weight", names);            // dense
        Assert.Contains("model.layers.3.mlp.down_proj.weight", names);          // listed in mlp_only_layers: dense
        Assert.DoesNotContain("model.layers.3.mlp.gate.weight", names);
        Assert.Equal([12, 8], model.Root.named_parameters().Single(p => p.name == "model.layers.0.mlp.gate_proj.weight").parameter.shape);
        Assert.Equal([4, 8], model.Root.named_parameters().Single(p => p.name == "model.layers.1.mlp.experts.0.up_proj.weight").parameter.shape);
    }

    [Fact]
    public void Tied_embeddings_give_the_logits_of_an_lm_head_equal_to_the_embedding()
    {
        using var tied = new TempDir();
        using var untied = new TempDir();
        var small = new SmallCheckpoint(seed: 9);
        var embed = small.Entries.Single(e => e.Name == "model.embed_tokens.weight");
        small.Entries.RemoveAll(e => e.Name == "lm_head.weight");
        small.Write(tied.Path, SmallCheckpoint.ConfigJson.Replace("\"tie_word_embeddings\":false", "\"tie_word_embeddings\":true"));
        small.Entries.Add(embed with { Name = "lm_head.weight" });
        small.Write(untied.Path);

        float[] Logits(string dir, int expectedParameters)
        {
            using var runner = TorchModelRunner.Load(dir, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
            Assert.Equal(expectedParameters, runner.Model.Root.named_parameters().Count());
            var driver = new TestDriver(runner);
            return driver.Step(TestDriver.Request("t", [3, 1, 4, 1, 5], 0, driver.Allocate(5))).Outputs[0].Logits!;
        }
        var untiedCount = small.Entries.Count;
        Assert.Equal(Logits(untied.Path, untiedCount), Logits(tied.Path, untiedCount - 1));
    }
}
