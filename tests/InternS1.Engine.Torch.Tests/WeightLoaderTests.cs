using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Running;
using InternS1.Engine.Torch.Tests.Support;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class WeightLoaderTests
{
    [Fact]
    public void A_single_file_plain_qwen3_checkpoint_loads_with_model_prefixes()
    {
        using var dir = new TempDir();
        var small = new SmallCheckpoint();
        small.Write(dir.Path);
        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
        Assert.Equal([5, 6], runner.Info.EosTokenIds);
        Assert.Equal(0, runner.Info.TokensPerTile);
        Assert.Equal(-1, runner.Info.ImageTokenId);
        var loaded = runner.Model.Root.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", loaded.Keys);
        foreach (var e in small.Entries)
            Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(e.Data().Span).ToArray(), loaded[e.Name]);
    }

    [Fact]
    public void A_missing_tensor_is_named_with_its_shape_and_shard()
    {
        using var dir = new TempDir();
        var small = new SmallCheckpoint();
        small.Entries.RemoveAll(e => e.Name == "model.layers.0.self_attn.k_norm.weight");
        small.Write(dir.Path);
        var ex = Assert.Throws<CheckpointMismatchException>(() => TorchModelRunner.Load(dir.Path));
        Assert.Equal(["model.layers.0.self_attn.k_norm.weight [2] (not in model.safetensors)"], ex.Missing);
        Assert.Contains("1 missing tensors", ex.Message);
        Assert.Contains("model.layers.0.self_attn.k_norm.weight", ex.Message);
    }

    [Fact]
    public void A_tensor_the_index_promises_but_its_shard_lacks_names_that_shard()
    {
        using var dir = new TempDir();
        TinyCheckpointWriter.Write(dir.Path, new TinyCheckpointOptions { Dense = true });
        const string name = "model.language_model.norm.weight";
        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("model.safetensors.index.json")));
        var shard = index.RootElement.GetProperty("weight_map").GetProperty(name).GetString()!;
        var kept = TestSafetensors.ReadFile(dir.File(shard), out _).Where(e => e.Key != name)
            .Select(e => new SafetensorsEntry(e.Key, SafetensorsDtype.BF16, e.Value.Shape, () => e.Value.Data)).ToList();
        SafetensorsWriter.WriteFile(dir.File(shard), kept);
        var ex = Assert.Throws<CheckpointMismatchException>(() => TorchModelRunner.Load(dir.Path));
        Assert.Equal([$"{name} [64] ({shard} (per the index, but absent from that file))"], ex.Missing);
        Assert.Empty(ex.Unexpected);
    }

    [Fact]
    public void Misshaped_unexpected_and_unsupported_tensors_are_all_reported_at_once()
    {
        using var dir = new TempDir();
        var small = new SmallCheckpoint();
        var i = small.Entries.FindIndex(e => e.Name == "model.layers.0.mlp.up_proj.weight");
        small.Entries[i] = new SafetensorsEntry(small.Entries[i].Name, SafetensorsDtype.F32, [6, 8], SmallCheckpoint.Bytes(new float[48]));
        var j = small.Entries.FindIndex(e => e.Name == "model.norm.weight");
        small.Entries[j] = new SafetensorsEntry("model.norm.weight", SafetensorsDtype.F8_E5M2, [6], () => new byte[6]);
        small.Entries.Add(new SafetensorsEntry("model.layers.7.extra.weight", SafetensorsDtype.F32, [2], SmallCheckpoint.Bytes([1, 2])));
        small.Write(dir.Path);
        var ex = Assert.Throws<CheckpointMismatchException>(() => TorchModelRunner.Load(dir.Path));
        Assert.Equal(["model.layers.0.mlp.up_proj.weight: checkpoint [6, 8], model [8, 6] (model.safetensors)"], ex.Misshaped);
        Assert.Equal(["model.layers.7.extra.weight [2] (model.safetensors)"], ex.Unexpected);
        Assert.Equal(["model.norm.weight: dtype F8_E5M2 (model.safetensors)"], ex.Unsupported);
        Assert.Empty(ex.Missing);
    }

    [Fact]
    public void A_corrupt_header_names_the_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), SmallCheckpoint.ConfigJson);
        File.WriteAllBytes(dir.File("model.safetensors"), [16, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x']);
        var ex = Assert.Throws<CheckpointException>(() => TorchModelRunner.Load(dir.Path));
        Assert.Contains("model.safetensors", ex.Message);
    }

    [Fact]
    public void Float8_e4m3_bytes_decode_to_the_hand_computed_values()
    {
        Assert.Equal(0f, Float8E4M3.ToFloat(0x00));
        Assert.Equal(1f, Float8E4M3.ToFloat(0x38));     // 0 0111 000: 2^0
        Assert.Equal(1.5f, Float8E4M3.ToFloat(0x3C));   // 0 0111 100: 1.5 x 2^0
        Assert.Equal(3f, Float8E4M3.ToFloat(0x44));     // 0 1000 100: 1.5 x 2^1
        Assert.Equal(-2f, Float8E4M3.ToFloat(0xC0));    // 1 1000 000
        Assert.Equal(448f, Float8E4M3.ToFloat(0x7E));   // 0 1111 110: 1.75 x 2^8
        Assert.Equal(-448f, Float8E4M3.ToFloat(0xFE));
        Assert.Equal(0.015625f, Float8E4M3.ToFloat(0x08)); // smallest normal 2^-6
        Assert.Equal(0.001953125f, Float8E4M3.ToFloat(0x01)); // smallest subnormal 1/8 x 2^-6
        Assert.Equal(0.013671875f, Float8E4M3.ToFloat(0x07)); // 7/8 x 2^-6
        Assert.True(float.IsNaN(Float8E4M3.ToFloat(0x7F)));
    }

    [Fact]
    public void Fp8_block_scaled_weights_are_dequantised_block_by_block()
    {
        // q_proj [6, 6] in F8_E4M3 with weight_block_size [4, 4] -> scales [2, 2] (partial blocks at the edges)
        byte[] codes = [0x38, 0x40, 0xB8, 0x30, 0x01, 0x7E];
        float[] values = [1f, 2f, -1f, 0.5f, 0.001953125f, 448f]; // the same codes, decoded by hand
        var weight = new byte[36];
        for (var k = 0; k < 36; k++) weight[k] = codes[(k * 7 + k / 6) % 6];
        float[] scales = [0.5f, 2f, 3f, -1f];
        using var dir = new TempDir();
        var small = new SmallCheckpoint();
        var q = small.Entries.FindIndex(e => e.Name == "model.layers.0.self_attn.q_proj.weight");
        small.Entries[q] = new SafetensorsEntry("model.layers.0.self_attn.q_proj.weight", SafetensorsDtype.F8_E4M3, [6, 6], () => weight);
        small.Entries.Add(new SafetensorsEntry("model.layers.0.self_attn.q_proj.weight_scale_inv", SafetensorsDtype.F32, [2, 2], SmallCheckpoint.Bytes(scales)));
        var config = SmallCheckpoint.ConfigJson.TrimEnd().TrimEnd('}') + ""","quantization_config":{"quant_method":"fp8","fmt":"e4m3","weight_block_size":[4,4]}}""";
        small.Write(dir.Path, config);

        var expected = new float[36];
        for (var r = 0; r < 6; r++)
            for (var c = 0; c < 6; c++)
                expected[r * 6 + c] = values[Array.IndexOf(codes, weight[r * 6 + c])] * scales[(r / 4) * 2 + c / 4];

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        using var direct = WeightLoader.ReadTensor(checkpoint, "model.layers.0.self_attn.q_proj.weight", ScalarType.Float32,
            new WeightLoadOptions { Fp8BlockSize = [4, 4], MaxChunkBytes = 96 });
        Assert.Equal(expected, direct.data<float>().ToArray());

        using var runner = TorchModelRunner.Load(dir.Path, new TorchRunnerOptions { Dtype = ComputeDtype.Float32 });
        var loaded = runner.Model.Root.named_parameters().Single(p => p.name == "model.layers.0.self_attn.q_proj.weight").parameter;
        Assert.Equal(expected, loaded.data<float>().ToArray());
    }
}
