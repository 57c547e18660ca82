using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>A very small plain Qwen3 (model.* names) checkpoint written from a randomised module,
/// for loader error tests: <see cref="Entries"/> can be edited before <see cref="Write"/>.</summary>
internal sealed class SmallCheckpoint
{
    public const string ConfigJson = """
        {"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","vocab_size":32,"hidden_size":6,"intermediate_size":8,
         "num_hidden_layers":1,"num_attention_heads":3,"num_key_value_heads":1,"head_dim":2,"rms_norm_eps":1e-6,
         "rope_theta":10000.0,"max_position_embeddings":64,"tie_word_embeddings":false,"eos_token_id":[5,6]}
        """;

    public SmallCheckpoint(long seed = 1)
    {
        using var model = CausalLanguageModels.Create(InternS1Config.Parse(ConfigJson), ScalarType.Float32);
        Params.Randomize(model.Root, seed);
        Entries = model.Root.named_parameters()
            .Select(p => new SafetensorsEntry(p.name, SafetensorsDtype.F32, p.parameter.shape, Bytes(p.parameter.data<float>().ToArray())))
            .ToList();
    }

    public List<SafetensorsEntry> Entries { get; }

    public static Func<ReadOnlyMemory<byte>> Bytes(float[] values) => () => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public void Write(string directory, string? configJson = null)
    {
        File.WriteAllText(Path.Combine(directory, "config.json"), configJson ?? ConfigJson);
        SafetensorsWriter.WriteFile(Path.Combine(directory, "model.safetensors"), Entries);
    }
}
