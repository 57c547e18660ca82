using System.Text.Json;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class TinyCheckpointWriterTests
{
    /// <summary>The tensor names and shapes of notes §4, listed by hand for the tiny dimensions.</summary>
    private static Dictionary<string, long[]> ExpectedTensors(bool dense)
    {
        var t = new Dictionary<string, long[]>
        {
            ["model.language_model.embed_tokens.weight"] = [153216, 64],
            ["model.language_model.norm.weight"] = [64],
            ["lm_head.weight"] = [153216, 64],
            ["model.vision_tower.embeddings.cls_token"] = [1, 1, 64],
            ["model.vision_tower.embeddings.position_embeddings"] = [1, 1025, 64],
            ["model.vision_tower.embeddings.patch_embeddings.projection.weight"] = [64, 3, 14, 14],
            ["model.vision_tower.embeddings.patch_embeddings.projection.bias"] = [64],
            ["model.multi_modal_projector.layer_norm.weight"] = [256],
            ["model.multi_modal_projector.layer_norm.bias"] = [256],
            ["model.multi_modal_projector.linear_1.weight"] = [64, 256],
            ["model.multi_modal_projector.linear_1.bias"] = [64],
            ["model.multi_modal_projector.linear_2.weight"] = [64, 64],
            ["model.multi_modal_projector.linear_2.bias"] = [64],
        };
        for (var l = 0; l < 2; l++)
        {
            var p = $"model.language_model.layers.{l}.";
            t[p + "input_layernorm.weight"] = [64];
            t[p + "post_attention_layernorm.weight"] = [64];
            t[p + "self_attn.q_proj.weight"] = [128, 64];
            t[p + "self_attn.k_proj.weight"] = [64, 64];
            t[p + "self_attn.v_proj.weight"] = [64, 64];
            t[p + "self_attn.o_proj.weight"] = [64, 128];
            t[p + "self_attn.q_norm.weight"] = [32];
            t[p + "self_attn.k_norm.weight"] = [32];
            if (dense)
            {
                t[p + "mlp.gate_proj.weight"] = [128, 64];
                t[p + "mlp.up_proj.weight"] = [128, 64];
                t[p + "mlp.down_proj.weight"] = [64, 128];
            }
            else
            {
                t[p + "mlp.gate.weight"] = [8, 64];
                for (var e = 0; e < 8; e++)
                {
                    t[p + $"mlp.experts.{e}.gate_proj.weight"] = [32, 64];
                    t[p + $"mlp.experts.{e}.up_proj.weight"] = [32, 64];
                    t[p + $"mlp.experts.{e}.down_proj.weight"] = [64, 32];
                }
            }
            var v = $"model.vision_tower.encoder.layer.{l}.";
            foreach (var n in new[] { "layernorm_before.weight", "layernorm_after.weight", "attention.projection_layer.bias", "lambda_1", "lambda_2", "mlp.fc2.bias" })
                t[v + n] = [64];
            foreach (var n in new[] { "attention.q_proj.weight", "attention.k_proj.weight", "attention.v_proj.weight", "attention.projection_layer.weight" })
                t[v + n] = [64, 64];
            t[v + "mlp.fc1.weight"] = [128, 64];
            t[v + "mlp.fc1.bias"] = [128];
            t[v + "mlp.fc2.weight"] = [64, 128];
            if (dense)
            {
                foreach (var n in new[] { "layernorm_before.bias", "layernorm_after.bias", "attention.q_proj.bias", "attention.k_proj.bias", "attention.v_proj.bias" })
                    t[v + n] = [64];
            }
            else
            {
                t[v + "attention.q_norm.weight"] = [64];
                t[v + "attention.k_norm.weight"] = [64];
            }
        }
        return t;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Writes_every_tensor_of_the_real_layout_with_the_shapes_the_config_implies(bool dense)
    {
        using var dir = new TempDir();
        var summary = TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = dense, Seed = 1 });
        var tensors = TestSafetensors.ReadFolder(dir.Path);
        var expected = ExpectedTensors(dense);
        Assert.Equal(expected.Keys.Order(), tensors.Keys.Order());
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(tensors[name].Shape), name);
        Assert.All(tensors.Values, e => Assert.Equal("BF16", e.Dtype));
        Assert.Equal(expected.Count, summary.TensorCount);

        using var config = JsonDocument.Parse(File.ReadAllText(dir.File("config.json")));
        var root = config.RootElement;
        Assert.Equal("InternS1ForConditionalGeneration", root.GetProperty("architectures")[0].GetString());
        Assert.Equal(152957, root.GetProperty("image_token_id").GetInt32());
        Assert.Equal(dense ? "qwen3" : "qwen3_moe", root.GetProperty("text_config").GetProperty("model_type").GetString());
        Assert.Equal(dense ? "layer_norm" : "rms_norm", root.GetProperty("vision_config").GetProperty("norm_type").GetString());
        using var generation = JsonDocument.Parse(File.ReadAllText(dir.File("generation_config.json")));
        Assert.Equal(151645, generation.RootElement.GetProperty("eos_token_id").GetInt32());
        Assert.Equal(151643, generation.RootElement.GetProperty("bos_token_id").GetInt32());
    }

    [Fact]
    public void Shards_and_index_agree()
    {
        using var dir = new TempDir();
        var summary = TinyCheckpointWriter.Write(dir.Path);
        Assert.True(summary.ShardFiles.Count >= 2);
        using var index = JsonDocument.Parse(File.ReadAllText(dir.File("model.safetensors.index.json")));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        long total = 0;
        var seen = new HashSet<string>();
        foreach (var shard in Directory.GetFiles(dir.Path, "*.safetensors").Select(Path.GetFileName))
        {
            var entries = TestSafetensors.ReadFile(dir.File(shard!), out var headerLength);
            Assert.Equal(0, headerLength % 8);
            Assert.Matches(@"^model-\d{5}-of-\d{5}\.safetensors$", shard);
            foreach (var (name, e) in entries)
            {
                Assert.Equal(shard, map[name]);
                Assert.True(seen.Add(name));
                total += e.Data.Length;
            }
        }
        Assert.Equal(map.Keys.Order(), seen.Order());
        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        Assert.Equal(summary.ShardFiles.Order(), map.Values.Distinct().Order());
    }

    [Fact]
    public void The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var c = new TempDir();
        var options = new TinyCheckpointOptions { Dense = true, Seed = 5 };
        TinyCheckpointWriter.Write(a.Path, options);
        TinyCheckpointWriter.Write(b.Path, options);
        TinyCheckpointWriter.Write(c.Path, options with { Seed = 6 });
        foreach (var f in Directory.GetFiles(a.Path).Select(Path.GetFileName))
            Assert.Equal(File.ReadAllBytes(a.File(f!)), File.ReadAllBytes(b.File(f!)));
        var shard = Path.GetFileName(Directory.GetFiles(a.Path, "*.safetensors")[0]);
        Assert.NotEqual(File.ReadAllBytes(a.File(shard)), File.ReadAllBytes(c.File(shard)));
    }

    [Fact]
    public void Loading_places_every_tensor_unchanged()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Seed = 2 });
        var files = TestSafetensors.ReadFolder(dir.Path);
        var config = InternS1Config.Load(dir.Path);
        using var model = CausalLanguageModels.Create(config, ScalarType.Float32);
        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        WeightLoader.Load(model.Root, checkpoint, new WeightLoadOptions { IgnoredPrefixes = model.UnbuiltPrefixes, MaxChunkBytes = 1 << 16 });
        var parameters = model.Root.named_parameters().ToList();
        Assert.Equal(files.Count, parameters.Count); // language model, vision tower and projector
        foreach (var (name, p) in parameters)
            Assert.True(files[name].ToFloats().SequenceEqual(p.data<float>().ToArray()), name);
    }
}
