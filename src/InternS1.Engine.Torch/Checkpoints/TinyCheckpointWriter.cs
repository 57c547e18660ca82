using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Writes a tiny random-weight Intern-S1 checkpoint in the real Hugging Face layout: config.json,
/// generation_config.json and every tensor a real checkpoint has — language model, vision tower,
/// projector — under the real names with the shapes the config implies, split over at least two
/// safetensors shards with model.safetensors.index.json. Deterministic for a seed. The tokenizer
/// files are written by the text stack, not here.
/// </summary>
public static class TinyCheckpointWriter
{
    private enum Init { Linear, Embedding, NormWeight, Bias, Small, LayerScale, Patch }

    /// <summary>Writes the checkpoint into <paramref name="outputDirectory"/> (created if needed).</summary>
    public static TinyCheckpointSummary Write(string outputDirectory, TinyCheckpointOptions? options = null)
    {
        options ??= new TinyCheckpointOptions();
        Directory.CreateDirectory(outputDirectory);
        var configJson = TinyCheckpointConfig.ConfigJson(options);
        var config = InternS1Config.Parse(configJson, "tiny config.json");
        File.WriteAllText(Path.Combine(outputDirectory, "config.json"), configJson);
        File.WriteAllText(Path.Combine(outputDirectory, GenerationConfig.FileName), TinyCheckpointConfig.GenerationConfigJson(options));

        var entries = TensorSpecs(config)
            .Select(s => new SafetensorsEntry(s.Name, options.Dtype, s.Shape, () => Generate(s.Name, s.Shape, s.Init, options)))
            .ToList();
        var total = entries.Sum(e => e.ByteLength);
        var shards = SafetensorsWriter.WriteSharded(outputDirectory, entries, (total + Math.Max(2, options.Shards) - 1) / Math.Max(2, options.Shards));
        var parameters = entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        return new TinyCheckpointSummary(outputDirectory, shards, entries.Count, parameters, total);
    }

    /// <summary>Every tensor name and shape of an Intern-S1 checkpoint for <paramref name="config"/> (notes §4).</summary>
    private static IEnumerable<(string Name, long[] Shape, Init Init)> TensorSpecs(InternS1Config config)
    {
        var t = config.TextConfig;
        long h = t.HiddenSize, q = (long)t.NumAttentionHeads * t.HeadDim, kv = (long)t.KeyValueHeads * t.HeadDim;
        const string lm = "model.language_model.";
        yield return ($"{lm}embed_tokens.weight", [t.VocabSize, h], Init.Embedding);
        for (var l = 0; l < t.NumHiddenLayers; l++)
        {
            var p = $"{lm}layers.{l}.";
            yield return ($"{p}input_layernorm.weight", [h], Init.NormWeight);
            yield return ($"{p}post_attention_layernorm.weight", [h], Init.NormWeight);
            yield return ($"{p}self_attn.q_proj.weight", [q, h], Init.Linear);
            yield return ($"{p}self_attn.k_proj.weight", [kv, h], Init.Linear);
            yield return ($"{p}self_attn.v_proj.weight", [kv, h], Init.Linear);
            yield return ($"{p}self_attn.o_proj.weight", [h, q], Init.Linear);
            yield return ($"{p}self_attn.q_norm.weight", [t.HeadDim], Init.NormWeight);
            yield return ($"{p}self_attn.k_norm.weight", [t.HeadDim], Init.NormWeight);
            if (t.IsSparseLayer(l))
            {
                yield return ($"{p}mlp.gate.weight", [t.NumExperts, h], Init.Linear);
                for (var e = 0; e < t.NumExperts; e++)
                {
                    yield return ($"{p}mlp.experts.{e}.gate_proj.weight", [t.MoeIntermediateSize, h], Init.Linear);
                    yield return ($"{p}mlp.experts.{e}.up_proj.weight", [t.MoeIntermediateSize, h], Init.Linear);
                    yield return ($"{p}mlp.experts.{e}.down_proj.weight", [h, t.MoeIntermediateSize], Init.Linear);
                }
            }
            else
            {
                yield return ($"{p}mlp.gate_proj.weight", [t.IntermediateSize, h], Init.Linear);
                yield return ($"{p}mlp.up_proj.weight", [t.IntermediateSize, h], Init.Linear);
                yield return ($"{p}mlp.down_proj.weight", [h, t.IntermediateSize], Init.Linear);
            }
        }
        yield return ($"{lm}norm.weight", [h], Init.NormWeight);
        if (!config.TiedEmbeddings) yield return ("lm_head.weight", [t.VocabSize, h], Init.Linear);

        if (config.VisionConfig is not { } v) yield break;
        long c = v.HiddenSize, i = v.IntermediateSize;
        var layerNorm = !v.UsesRmsNorm;
        const string vt = "model.vision_tower.";
        yield return ($"{vt}embeddings.cls_token", [1, 1, c], Init.Small);
        yield return ($"{vt}embeddings.position_embeddings", [1, v.PatchesPerSide * (long)v.PatchesPerSide + 1, c], Init.Small);
        yield return ($"{vt}embeddings.patch_embeddings.projection.weight", [c, v.NumChannels, v.PatchSize[0], v.PatchSize[1]], Init.Patch);
        yield return ($"{vt}embeddings.patch_embeddings.projection.bias", [c], Init.Bias);
        for (var l = 0; l < v.NumHiddenLayers; l++)
        {
            var p = $"{vt}encoder.layer.{l}.";
            foreach (var norm in new[] { "layernorm_before", "layernorm_after" })
            {
                yield return ($"{p}{norm}.weight", [c], Init.NormWeight);
                if (layerNorm) yield return ($"{p}{norm}.bias", [c], Init.Bias);
            }
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
            {
                yield return ($"{p}attention.{proj}.weight", [c, c], Init.Linear);
                if (v.AttentionBias) yield return ($"{p}attention.{proj}.bias", [c], Init.Bias);
            }
            if (v.UseQkNorm)
            {
                yield return ($"{p}attention.q_norm.weight", [c], Init.NormWeight);
                yield return ($"{p}attention.k_norm.weight", [c], Init.NormWeight);
            }
            yield return ($"{p}attention.projection_layer.weight", [c, c], Init.Linear);
            yield return ($"{p}attention.projection_layer.bias", [c], Init.Bias);
            yield return ($"{p}lambda_1", [c], Init.LayerScale);
            yield return ($"{p}lambda_2", [c], Init.LayerScale);
            yield return ($"{p}mlp.fc1.weight", [i, c], Init.Linear);
            yield return ($"{p}mlp.fc1.bias", [i], Init.Bias);
            yield return ($"{p}mlp.fc2.weight", [c, i], Init.Linear);
            yield return ($"{p}mlp.fc2.bias", [c], Init.Bias);
        }
        var projectorIn = (long)Math.Round(c / (config.DownsampleRatio * config.DownsampleRatio));
        const string mp = "model.multi_modal_projector.";
        yield return ($"{mp}layer_norm.weight", [projectorIn], Init.NormWeight);
        yield return ($"{mp}layer_norm.bias", [projectorIn], Init.Bias);
        yield return ($"{mp}linear_1.weight", [h, projectorIn], Init.Linear);
        yield return ($"{mp}linear_1.bias", [h], Init.Bias);
        yield return ($"{mp}linear_2.weight", [h, h], Init.Linear);
        yield return ($"{mp}linear_2.bias", [h], Init.Bias);
    }

    /// <summary>Random values for one tensor from a generator seeded by (seed, name), in the stored dtype.</summary>
    private static ReadOnlyMemory<byte> Generate(string name, long[] shape, Init init, TinyCheckpointOptions options)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked(Fnv1a(name) ^ (ulong)options.Seed * 0x9E3779B97F4A7C15UL) & long.MaxValue);
        var x = torch.randn(shape, ScalarType.Float32, generator: generator);
        var fanIn = shape.Length >= 2 ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
        x = init switch
        {
            Init.Linear or Init.Patch => x.Over(Math.Sqrt(fanIn)),
            Init.Embedding => x.Times(0.5),
            Init.NormWeight => x.Times(0.1).Plus(1.0),
            Init.Bias => x.Times(0.02),
            Init.Small => x.Times(0.02),
            Init.LayerScale => x.Times(0.01).Plus(0.1),
            _ => throw new UnreachableException(),
        };
        var stored = options.Dtype.TorchType() is { } type ? x.to(type).contiguous()
            : throw new CheckpointException($"the tiny writer cannot store {options.Dtype}");
        return stored.bytes.ToArray();
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in text)
        {
            hash ^= ch;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
